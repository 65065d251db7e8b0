package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBenchPrintsEveryRow runs stampede bench on small canvases and reads
// its table: every operation on its own line, with a time and a rate
// above zero, in the unit the operation counts.
func TestBenchPrintsEveryRow(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "-n", "300", "-runs", "2"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := out.String()
	if !strings.HasPrefix(text, "stampede bench: 300 signatures per canvas, 2 runs each after a warm-up") {
		t.Errorf("header: %q", strings.SplitN(text, "\n", 2)[0])
	}
	row := regexp.MustCompile(`(?m)^(\S.*?)\s+([0-9.]+)(?:–[0-9.]+)? (ms|s)\s+([0-9.]+)(?: (k|M))? (signatures|hook calls)/s`)
	rows := row.FindAllStringSubmatch(text, -1)
	if len(rows) != len(benchRows(300)) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(benchRows(300)), text)
	}
	for _, what := range []string{
		`memory kept per loaded signature \(a flat group\)`,
		`the same for chains of groups with callbacks and errbacks`,
	} {
		mem := regexp.MustCompile(`(?m)^` + what + `\s+([0-9]+) bytes\s+(✔|✘) ≤ 400 bytes$`).FindStringSubmatch(text)
		if mem == nil {
			t.Errorf("no line %q:\n%s", what, text)
		} else if kept, _ := strconv.Atoi(mem[1]); kept < 100 {
			t.Errorf("%s: %d bytes a signature, less than the leaves themselves", what, kept)
		}
	}
	for _, r := range rows {
		if rate, _ := strconv.ParseFloat(r[4], 64); rate <= 0 {
			t.Errorf("%s: rate %q", r[1], r[4])
		}
		wantUnit := "signatures"
		if strings.Contains(r[1], "Starlark") {
			wantUnit = "hook calls"
		}
		if r[6] != wantUnit {
			t.Errorf("%s: counted in %s, want %s", r[1], r[6], wantUnit)
		}
	}
}

func TestBenchRefusesBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"-n", "0"}, 1, "give a number of signatures from 10 to 5000000"},
		{[]string{"-n", "6000000"}, 1, "from 10 to 5000000"},
		{[]string{"-runs", "0"}, 1, "give at least one run"},
		{[]string{"canvas.json"}, 2, "takes no arguments"},
		{[]string{"-size", "5"}, 2, "flag provided but not defined: -size"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"bench"}, c.args...), &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.err) {
			t.Errorf("bench %v: exit %d, stderr %q; want exit %d and %q", c.args, code, errb.String(), c.code, c.err)
		}
	}
}

func TestBenchFigures(t *testing.T) {
	for n, want := range map[int]string{5: "5", 100_000: "100,000", 1_000_000: "1,000,000", 999: "999", 1000: "1,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	ms := time.Millisecond
	for _, c := range []struct {
		lo, hi time.Duration
		want   string
	}{
		{72 * ms, 76 * ms, "72–76 ms"},
		{4200 * time.Microsecond, 4200 * time.Microsecond, "4.20 ms"},
		{1200 * ms, 1300 * ms, "1200–1300 ms"},
		{11 * time.Second, 12 * time.Second, "11–12 s"},
	} {
		if got := timeRange(c.lo, c.hi); got != c.want {
			t.Errorf("timeRange(%v, %v) = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
	for _, c := range []struct {
		row  benchRow
		rate float64
		want string
	}{
		{benchRow{goal: 1e6, about: "0.1 s for 100k"}, 1.4e6, "✔ ≥ 1 M/s (0.1 s for 100k)"},
		{benchRow{goal: 1.25e6}, 1.2e6, "✘ ≥ 1.25 M/s"},
		{benchRow{goal: 300e3}, 300e3, "✔ ≥ 300 k/s"},
		{benchRow{}, 5, ""},
	} {
		if got := goalText(c.row, c.rate); got != c.want {
			t.Errorf("goalText(%v, %v) = %q, want %q", c.row.goal, c.rate, got, c.want)
		}
	}
	for r, want := range map[float64]string{1_410_000: "1.41 M", 312_400: "312 k", 950: "950"} {
		if got := rateText(r); got != want {
			t.Errorf("rateText(%v) = %q, want %q", r, got, want)
		}
	}
}
