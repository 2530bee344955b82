package salint.lib.tokens_test

import data.salint.lib.tokens

test_valid_expiration_bounds if {
	tokens.valid_expiration(600)
	tokens.valid_expiration(3600)
	tokens.valid_expiration(4294967296)
	not tokens.valid_expiration(599)
	not tokens.valid_expiration(0)
	not tokens.valid_expiration(-1)
	not tokens.valid_expiration(4294967297)
}
