package script

import (
	"fmt"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"go.starlark.net/starlark"
)

// Starlark counts steps, not bytes: one step may build a string of up to a
// GiB (the interpreter's own cap) and a loop of such steps stays far under
// any step budget. The watchdog is one goroutine that, while some hook
// call runs, samples the heap every tick and cancels a call once the heap
// grew by more than its visitor's MaxMemory since the call began, or by
// four times that since the run began (what a `state` that keeps growing
// across calls holds). A call that starts and ends between two ticks is
// not checked (10 ms is too short to build much with the interpreter's
// 1 GiB cap per step); what it kept still counts against the run's limit
// at the next tick that finds a call running.

// watchTick is how often the watchdog samples the heap.
const watchTick = 10 * time.Millisecond

// guard is one visitor's entry in the watchdog. calls counts the starts
// and ends of hook calls, so it is odd while one runs; the visitor writes
// it, the watchdog reads it. The other unexported fields are the
// watchdog's own.
type guard struct {
	thread  atomic.Pointer[starlark.Thread]
	calls   atomic.Uint64
	listed  atomic.Bool
	over    atomic.Pointer[string]
	limit   atomic.Uint64
	runBase atomic.Uint64 // heap at the run's start

	seen uint64 // calls when base was taken
	base uint64 // heap at the call's start
	idle int    // ticks without a call running
}

var watchdog struct {
	mu      sync.Mutex
	guards  map[*guard]struct{}
	running bool
}

// heapSample is the bytes in heap objects, live or not yet collected.
var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapBytes() uint64 {
	metrics.Read(heapSample)
	return heapSample[0].Value.Uint64()
}

// startRun is called when a run starts: it measures the heap the run's
// limit counts from.
func (g *guard) startRun(thread *starlark.Thread, limit uint64) {
	g.thread.Store(thread)
	g.limit.Store(limit)
	g.runBase.Store(heapBytes())
	g.over.Store(nil)
}

// enter marks the start of a hook call, listing the guard with the
// watchdog if it is not (a guard idle for a second is dropped).
func (g *guard) enter() {
	if !g.listed.Load() {
		watchdog.mu.Lock()
		if watchdog.guards == nil {
			watchdog.guards = make(map[*guard]struct{})
		}
		watchdog.guards[g] = struct{}{}
		g.listed.Store(true)
		if !watchdog.running {
			watchdog.running = true
			go watch()
		}
		watchdog.mu.Unlock()
	}
	g.calls.Add(1)
}

// leave marks the end of a hook call and returns why the watchdog stopped
// it ("" if it did not).
func (g *guard) leave() string {
	g.calls.Add(1)
	if msg := g.over.Swap(nil); msg != nil {
		return *msg
	}
	return ""
}

func watch() {
	ticker := time.NewTicker(watchTick)
	defer ticker.Stop()
	prev := heapBytes()
	for range ticker.C {
		watchdog.mu.Lock()
		if len(watchdog.guards) == 0 {
			watchdog.running = false
			watchdog.mu.Unlock()
			return
		}
		heap := heapBytes()
		for g := range watchdog.guards {
			g.check(heap, prev)
		}
		prev = heap
		watchdog.mu.Unlock()
	}
}

// check looks at one guard on a tick; prev is the heap at the tick before,
// which a call that began since then started from at most.
func (g *guard) check(heap, prev uint64) {
	c := g.calls.Load()
	if c%2 == 0 {
		if g.idle++; g.idle > int(time.Second/watchTick) {
			delete(watchdog.guards, g)
			g.listed.Store(false)
		}
		return
	}
	g.idle = 0
	if c != g.seen {
		g.seen, g.base = c, min(heap, prev)
		if heap-g.base <= g.limit.Load() {
			return
		}
	}
	limit := g.limit.Load()
	var msg string
	switch {
	case heap > g.base && heap-g.base > limit:
		msg = fmt.Sprintf("used more than %s of memory in one call", bytesText(limit))
	case heap > g.runBase.Load() && heap-g.runBase.Load() > 4*limit:
		msg = fmt.Sprintf("used more than %s of memory in this run", bytesText(4*limit))
	default:
		return
	}
	if g.over.CompareAndSwap(nil, &msg) {
		if t := g.thread.Load(); t != nil {
			t.Cancel(msg)
		}
	}
}
