package build

import "strings"

// Python numbers may hold underscores between digits (1_000_000, 0x_ff,
// 1_000.000_1); Starlark's may not, so a pasted range(1_000) failed with
// "got identifier, want ','". removeDigitSeparators takes them out and
// pads the number with as many spaces after it, so that every later
// column on the line stays where it was. A number whose underscores do not
// each stand between two digits (1__0, 1_) is left for Starlark to refuse,
// as Python refuses it.
func removeDigitSeparators(src string) string {
	var out strings.Builder
	done := 0 // src[:done] is in out
	for _, t := range scanTokens(src) {
		num := src[t.pos:t.end]
		if t.kind != 'n' || !strings.Contains(num, "_") || !separatorsBetweenDigits(num) {
			continue
		}
		plain := strings.ReplaceAll(num, "_", "")
		out.WriteString(src[done:t.pos])
		out.WriteString(plain)
		out.WriteString(strings.Repeat(" ", len(num)-len(plain)))
		done = t.end
	}
	if done == 0 {
		return src
	}
	out.WriteString(src[done:])
	return out.String()
}

// separatorsBetweenDigits reports whether every underscore of the number
// num stands between two digits (hex digits in a hex number), or right
// after a base prefix (0x_ff), as Python allows.
func separatorsBetweenDigits(num string) bool {
	hex := len(num) > 1 && num[0] == '0' && (num[1] == 'x' || num[1] == 'X')
	isDigit := func(c byte) bool {
		return c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
	}
	for i := 0; i < len(num); i++ {
		if num[i] != '_' {
			continue
		}
		afterPrefix := i == 2 && num[0] == '0' && strings.IndexByte("xXoObB", num[1]) >= 0
		if i == 0 || i+1 >= len(num) || !isDigit(num[i+1]) || !(afterPrefix || isDigit(num[i-1])) {
			return false
		}
	}
	return true
}
