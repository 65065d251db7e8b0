package progressline

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer written by one goroutine and read by another.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLine draws the progress line while "opening" takes long, then
// erases it; a long line is cut to one row.
func TestLine(t *testing.T) {
	defer func(a, e time.Duration) { after, every = a, e }(after, every)
	after, every = 0, time.Millisecond
	var out syncBuffer
	var mu sync.Mutex
	text := "loading order.json"
	stop := Show(&out, func() string { mu.Lock(); defer mu.Unlock(); return text })
	for !strings.Contains(out.String(), "stampede: loading order.json · ") {
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	text = strings.Repeat("x", 200)
	mu.Unlock()
	for !strings.Contains(out.String(), "xxx…") {
		time.Sleep(time.Millisecond)
	}
	stop()
	got := out.String()
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Fatalf("the line is not erased at the end: %q", got[max(0, len(got)-40):])
	}
	for _, line := range strings.Split(got, "\r\x1b[K") {
		if n := len([]rune(line)); n > MaxWidth {
			t.Fatalf("a %d-character line: %q", n, line)
		}
	}
	after = time.Hour
	var quiet syncBuffer
	Show(&quiet, func() string { return "never" })()
	if quiet.String() != "" {
		t.Fatalf("a quick open wrote %q", quiet.String())
	}
}

// TestUntilStopsTheLineFirst writes through Until while the line is drawn:
// the line is erased before the text, and stop can still be called.
func TestUntilStopsTheLineFirst(t *testing.T) {
	defer func(a, e time.Duration) { after, every = a, e }(after, every)
	after, every = 0, time.Millisecond
	var out syncBuffer
	stop := Show(&out, func() string { return "stamping" })
	for !strings.Contains(out.String(), "stamping") {
		time.Sleep(time.Millisecond)
	}
	w := Until(&out, stop)
	if _, err := w.Write([]byte("error line\n")); err != nil {
		t.Fatal(err)
	}
	stop()
	if got := out.String(); !strings.HasSuffix(got, "\r\x1b[Kerror line\n") {
		t.Fatalf("the text does not follow the erased line: %q", got[max(0, len(got)-40):])
	}
}
