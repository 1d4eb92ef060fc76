#pragma once
#include <rapidcheck.h>

#include "prop/vocabulary.hpp"

namespace pop3::prop {

// The next step of a case, drawn from what the model's state makes
// interesting: mostly valid commands on existing messages, some invalid
// numbers (0, deleted, past the end, huge), commands in the wrong state, and
// session events. Shrinking prefers the choices listed first.
rc::Gen<Op> gen_op(const Model& model);

}  // namespace pop3::prop
