package build

import "testing"

func TestRemoveDigitSeparators(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"range(200_000)", "range(200000 )"},
		{"x = 1_000_000 + 2", "x = 1000000   + 2"},
		{"0x_ff, 0xDE_AD, 0o7_7, 0b1_0", "0xff , 0xDEAD , 0o77 , 0b10 "},
		{"1_000.000_1 * 1_0e1_0", "1000.0001   * 10e10  "},
		{"x_1 = y_2_3", "x_1 = y_2_3"},
		{"'1_000' + \"2_000\" + '''3_000''' + r'4_0'", "'1_000' + \"2_000\" + '''3_000''' + r'4_0'"},
		{"# range(1_000)\nn = 5_0", "# range(1_000)\nn = 50 "},
		{"1__0, 1_, 1_e5, 0x_", "1__0, 1_, 1_e5, 0x_"},
		{"", ""},
	} {
		if got := removeDigitSeparators(c.in); got != c.want {
			t.Errorf("removeDigitSeparators(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := removeDigitSeparators(c.in); len(got) != len(c.in) {
			t.Errorf("removeDigitSeparators(%q) moved the columns: %q", c.in, got)
		}
	}
}
