"""pytest driver for pop3-harness.

The binary and this package agree through the results JSON
(``--report-json``, format ``pop3-harness-results``), never through console
output. See reports/results-json.md in the project.
"""

from .results import Check, Results, Scenario
from .runner import Harness, HarnessNotFound, find_binary

__all__ = ["Check", "Harness", "HarnessNotFound", "Results", "Scenario", "find_binary"]
__version__ = "0.1.0"
