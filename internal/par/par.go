// Package par runs independent pieces of work on a bounded number of
// goroutines.
package par

import "sync"

// Each calls fn(0), ..., fn(n-1) on up to jobs goroutines (at least one)
// and returns when all have returned. Calls may run in any order.
func Each(n, jobs int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, min(jobs, n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
