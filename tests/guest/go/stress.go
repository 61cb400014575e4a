// A Go program for vemu's user-mode layer: the classic stress test for
// user-mode emulators, since the Go runtime uses threads (clone), futexes,
// signals (preemption through SIGURG, tgkill), timers, epoll-based network
// polling and a concurrent garbage collector all at once. Built static
// with CGO_ENABLED=0 for riscv64 and arm64 and natively; the test requires
// identical output, so nothing printed depends on timing or scheduling.
package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"net"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Workers on a channel pipeline: exact totals whatever the interleaving.
func pipeline() {
	jobs := make(chan int, 16)
	results := make(chan int, 16)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- j * j
			}
		}()
	}
	go func() {
		for i := 1; i <= 20000; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	sum := 0
	for r := range results {
		sum += r
	}
	fmt.Println("pipeline", sum)
}

// Atomic and mutex counters hammered from many goroutines.
func counters() {
	var n int64
	var m sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20000; i++ {
				atomic.AddInt64(&n, 1)
				m.Lock()
				total++
				m.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println("counters", atomic.LoadInt64(&n), total)
}

// Garbage: allocate and drop many small objects while goroutines run, and
// force collections; a checksum over what survives.
func garbage() {
	var keep [][]byte
	h := sha256.New()
	for i := 0; i < 200000; i++ {
		b := make([]byte, 64+i%256)
		for j := range b {
			b[j] = byte(i + j)
		}
		if i%1000 == 0 {
			keep = append(keep, b)
		}
	}
	runtime.GC()
	for _, b := range keep {
		h.Write(b)
	}
	fmt.Printf("garbage %d %x\n", len(keep), h.Sum(nil)[:8])
}

// Timers and a ticker: counts, not durations.
func timers() {
	t := time.NewTicker(2 * time.Millisecond)
	n := 0
	done := time.After(50 * time.Millisecond)
loop:
	for {
		select {
		case <-t.C:
			n++
		case <-done:
			break loop
		}
	}
	t.Stop()
	var fired []int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 5; i > 0; i-- {
		wg.Add(1)
		d := i
		time.AfterFunc(time.Duration(d)*3*time.Millisecond, func() {
			mu.Lock()
			fired = append(fired, d)
			mu.Unlock()
			wg.Done()
		})
	}
	wg.Wait()
	sort.Ints(fired)
	fmt.Println("timers ticked", n > 5, "afterfunc", fired)
}

// A TCP echo server and 8 concurrent clients over loopback.
func echo() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					c.Write([]byte("echo " + line))
				}
			}(c)
		}
	}()
	var wg sync.WaitGroup
	replies := make([]string, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				replies[i] = "dial: " + err.Error()
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			got := 0
			for k := 0; k < 100; k++ {
				fmt.Fprintf(c, "client %d message %d\n", i, k)
				line, err := r.ReadString('\n')
				if err != nil {
					break
				}
				if line == fmt.Sprintf("echo client %d message %d\n", i, k) {
					got++
				}
			}
			replies[i] = fmt.Sprintf("client %d: %d/100", i, got)
		}(i)
	}
	wg.Wait()
	ln.Close()
	for _, r := range replies {
		fmt.Println(r)
	}
}

func main() {
	pipeline()
	counters()
	garbage()
	timers()
	echo()
	fmt.Println("done")
}
