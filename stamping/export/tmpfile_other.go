//go:build !linux

package export

import (
	"errors"
	"os"
)

var errNoUnnamed = errors.New("export: unnamed temporary files are a Linux feature")

// openUnnamed is not available here: Stage falls back to a named temporary file.
func openUnnamed(string, os.FileMode) (*os.File, error) { return nil, errNoUnnamed }

// linkUnnamed is never called here (openUnnamed always fails).
func linkUnnamed(*os.File, string, string) (string, error) { return "", errNoUnnamed }
