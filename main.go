// Command stampede is a terminal workflow designer and debugger for Celery's
// canvas Stamping API: it loads a canvas, stamps it with a built-in or
// scripted visitor exactly as Celery 5.6.2 would, shows every hook call, and
// replays operations on stamped canvases.
//
//	stampede                      stamp the built-in sample and show each hook
//	stampede stamp  [flags] CANVAS.json
//	stampede replay [flags] SESSION.json
//	stampede fmt    [flags] CANVAS.json
//	stampede visitors
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command line; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return cmdSample(stdout, stderr)
	}
	switch args[0] {
	case "stamp":
		return cmdStamp(args[1:], stdout, stderr)
	case "replay":
		return cmdReplay(args[1:], stdout, stderr)
	case "fmt":
		return cmdFmt(args[1:], stdout, stderr)
	case "visitors":
		return cmdVisitors(stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "stampede: unknown command %q\n\n%s", args[0], usage)
	return 2
}

const usage = `stampede — step through Celery's canvas Stamping API

Usage:
  stampede                        stamp the built-in sample workflow, hook by hook
  stampede stamp  [flags] CANVAS  stamp a canvas once, write the stamped canvas
  stampede replay [flags] SESSION run a session of canvas operations
  stampede fmt    [flags] CANVAS  load and save a canvas as celery.signature() does
  stampede visitors               list the built-in visitors

Run 'stampede COMMAND -h' for a command's flags.
`
