"""A deliberately broken POP3 server on a loopback port, for the harness's
failure paths. Modes: endless-body (RETR never terminates), close-mid (closes
in the middle of RETR), endless-line (a status line with no CRLF).
Prints the port, serves a bounded number of connections, then exits."""
import socket
import sys

mode = sys.argv[1]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(8)
srv.settimeout(30)
print(srv.getsockname()[1], flush=True)
for _ in range(8):
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        break
    conn.settimeout(10)
    try:
        conn.sendall(b"+OK hostile\r\n")
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                break
            buf += data
            while b"\r\n" in buf:
                line, buf = buf.split(b"\r\n", 1)
                cmd = line.split(b" ")[0].upper()
                if cmd == b"CAPA":
                    conn.sendall(b"+OK\r\nUIDL\r\n.\r\n")
                elif cmd == b"QUIT":
                    conn.sendall(b"+OK\r\n")
                    raise ConnectionResetError
                elif cmd == b"RETR" and mode == "endless-body":
                    conn.sendall(b"+OK\r\n" + b"never terminated\r\n" * 50)
                elif cmd == b"RETR" and mode == "close-mid":
                    conn.sendall(b"+OK\r\nhalf a mess")
                    raise ConnectionResetError
                elif cmd == b"RETR" and mode == "endless-line":
                    conn.sendall(b"+OK " + b"x" * 4000)
                else:
                    conn.sendall(b"+OK\r\n")
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    conn.close()
