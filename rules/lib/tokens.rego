# Package salint.lib.tokens holds the limits the API server applies to
# projected ServiceAccount tokens.
package salint.lib.tokens

# The API server rejects a projected token that expires sooner (10 minutes).
min_expiration := 600

# The API server rejects a projected token that lives longer (2^32 seconds).
max_expiration := 4294967296

# The lifetime the kubelet requests for automounted tokens; with
# --service-account-extend-token-expiration the API server extends it to a year.
extended_expiration := 3607

# valid_expiration holds for a lifetime the API server accepts.
valid_expiration(seconds) if {
	seconds >= min_expiration
	seconds <= max_expiration
}
