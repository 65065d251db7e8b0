package tui

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stampede-dev/stampede/canvas/sample"
	"github.com/stampede-dev/stampede/tui/session"
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

// TestProgressLine draws the progress line while "opening" takes long, then
// erases it; a long line is cut to one row.
func TestProgressLine(t *testing.T) {
	defer func(after, every time.Duration) { progressAfter, progressEvery = after, every }(progressAfter, progressEvery)
	progressAfter, progressEvery = 0, time.Millisecond
	var out syncBuffer
	var mu sync.Mutex
	text := "loading order.json"
	stop := showProgress(&out, func() string { mu.Lock(); defer mu.Unlock(); return text })
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
		if n := len([]rune(line)); n > maxProgressWidth {
			t.Fatalf("a %d-character line: %q", n, line)
		}
	}
	progressAfter = time.Hour
	var quiet syncBuffer
	showProgress(&quiet, func() string { return "never" })()
	if quiet.String() != "" {
		t.Fatalf("a quick open wrote %q", quiet.String())
	}
}

// TestOpenReportsProgress opens the sample with a Progress and checks what
// it says at the end: every hook call counted against the expected total.
func TestOpenReportsProgress(t *testing.T) {
	p := &session.Progress{}
	if got := p.Line("order.json"); got != "loading order.json" {
		t.Fatalf("before opening: %q", got)
	}
	s, err := session.Open(session.Config{Name: sample.Name, Data: sample.OrderJSON, Visitor: "monitoring-id", Progress: p})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Line("order.json"); got != "drawing order.json" {
		t.Fatalf("after opening: %q", got)
	}
	if calls, total := p.StampCalls(); calls != int64(s.Len()) || total != calls {
		t.Fatalf("%d of %d hook calls counted, the trace has %d", calls, total, s.Len())
	}
}
