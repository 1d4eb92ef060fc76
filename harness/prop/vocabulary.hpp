#pragma once
// The property engine speaks the oracle's vocabulary (harness/oracle/, shared
// with the fuzzer and the load mode): the steps of a case, the model of what a
// conformant server answers to each, and the judge of an answer.
#include "oracle/judge.hpp"
#include "oracle/model.hpp"
#include "oracle/op.hpp"

namespace pop3::prop {

using oracle::command_line;
using oracle::difference_key;
using oracle::Expectation;
using oracle::Finding;
using oracle::judge;
using oracle::keyword;
using oracle::Logins;
using oracle::Model;
using oracle::observation;
using oracle::Op;
using oracle::OpKind;
using oracle::OptionalCommands;
using oracle::show;
using oracle::UidBook;

}  // namespace pop3::prop
