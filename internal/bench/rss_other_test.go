//go:build !unix

package bench

import "os"

// peakRSS is unknown where there is no getrusage.
func peakRSS(*os.ProcessState) int64 { return 0 }
