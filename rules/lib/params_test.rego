package salint.lib.params_test

import data.salint.lib.params

test_param_reads_input if {
	params.param("SA031", "maxExpirationSeconds", 86400) == 7200 with input as {"params": {"SA031": {"maxExpirationSeconds": 7200}}}
}

test_param_falls_back_when_unset if {
	params.param("SA031", "maxExpirationSeconds", 86400) == 86400 with input as {}
	params.param("SA031", "maxExpirationSeconds", 86400) == 86400 with input as {"params": {}}
	params.param("SA031", "maxExpirationSeconds", 86400) == 86400 with input as {"params": {"SA031": {}}}
}
