package python

import (
	"fmt"
	"math"
	"math/big"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/stampede-dev/stampede/visitors/script"
)

// Python's number built-ins that Starlark lacks: hex, oct, bin, divmod,
// pow, and callable beside them.

// maxPowBits bounds the integers pow() makes: 2**1_000_000 has a million
// bits, far past any stamp, and a bigger one would hold the run for long.
const maxPowBits = 1 << 20

// builtinIntText is hex(n), oct(n) or bin(n), by b's name.
func builtinIntText(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	n, ok := intOf(x)
	if !ok {
		return nil, fmt.Errorf("TypeError: '%s' object cannot be interpreted as an integer", script.PyType(x))
	}
	base, prefix := 16, "0x"
	switch b.Name() {
	case "oct":
		base, prefix = 8, "0o"
	case "bin":
		base, prefix = 2, "0b"
	}
	sign := ""
	if n.Sign() < 0 {
		sign = "-"
	}
	return starlark.String(sign + prefix + new(big.Int).Abs(n).Text(base)), nil
}

// intOf is the integer of an int or a bool.
func intOf(v starlark.Value) (*big.Int, bool) {
	switch x := v.(type) {
	case starlark.Int:
		return x.BigInt(), true
	case starlark.Bool:
		if x {
			return big.NewInt(1), true
		}
		return big.NewInt(0), true
	}
	return nil, false
}

// builtinDivmod is divmod(a, b): (a // b, a % b), floored as Python's.
func builtinDivmod(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x, y starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &x, &y); err != nil {
		return nil, err
	}
	_, okx := floatOf(x)
	fy, oky := floatOf(y)
	if !okx || !oky {
		return nil, fmt.Errorf("TypeError: unsupported operand type(s) for divmod(): '%s' and '%s'", script.PyType(x), script.PyType(y))
	}
	_, xInt := intOf(x)
	_, yInt := intOf(y)
	if fy == 0 {
		if xInt && yInt {
			return nil, fmt.Errorf("ZeroDivisionError: integer division or modulo by zero")
		}
		return nil, fmt.Errorf("ZeroDivisionError: float divmod()")
	}
	if xInt && yInt {
		x, y = asStarlarkInt(x), asStarlarkInt(y)
	}
	q, err := starlark.Binary(syntax.SLASHSLASH, x, y)
	if err != nil {
		return nil, err
	}
	r, err := starlark.Binary(syntax.PERCENT, x, y)
	if err != nil {
		return nil, err
	}
	return starlark.Tuple{q, r}, nil
}

// asStarlarkInt is a bool as the int it is in Python arithmetic.
func asStarlarkInt(v starlark.Value) starlark.Value {
	if n, ok := intOf(v); ok {
		return starlark.MakeBigInt(n)
	}
	return v
}

// builtinPow is pow(base, exp[, mod]): an int for ints and a non-negative
// exponent, a float otherwise, as Python's ** gives them.
func builtinPow(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x, y starlark.Value
	var mod starlark.Value = starlark.None
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &x, &y, &mod); err != nil {
		return nil, err
	}
	bx, xInt := intOf(x)
	by, yInt := intOf(y)
	if mod != starlark.None {
		bm, mInt := intOf(mod)
		if !xInt || !yInt || !mInt {
			return nil, fmt.Errorf("TypeError: pow() 3rd argument not allowed unless all arguments are integers")
		}
		if bm.Sign() == 0 {
			return nil, fmt.Errorf("ValueError: pow() 3rd argument cannot be 0")
		}
		if by.Sign() < 0 {
			inv := new(big.Int).ModInverse(new(big.Int).Mod(bx, new(big.Int).Abs(bm)), new(big.Int).Abs(bm))
			if inv == nil {
				return nil, fmt.Errorf("ValueError: base is not invertible for the given modulus")
			}
			bx, by = inv, new(big.Int).Neg(by)
		}
		r := new(big.Int).Exp(bx, by, new(big.Int).Abs(bm))
		if bm.Sign() < 0 && r.Sign() != 0 { // Python's result takes the modulus's sign
			r.Add(r, bm)
		}
		return starlark.MakeBigInt(r), nil
	}
	if xInt && yInt && by.Sign() >= 0 {
		if bx.CmpAbs(big.NewInt(1)) > 0 && (!by.IsInt64() || by.Int64() > maxPowBits/int64(bx.BitLen())) {
			return nil, fmt.Errorf("OverflowError: pow() result would have over %d bits (a visitor's limit)", maxPowBits)
		}
		return starlark.MakeBigInt(new(big.Int).Exp(bx, by, nil)), nil
	}
	fx, okx := floatOf(x)
	fy, oky := floatOf(y)
	if !okx || !oky {
		return nil, fmt.Errorf("TypeError: unsupported operand type(s) for ** or pow(): '%s' and '%s'", script.PyType(x), script.PyType(y))
	}
	if fx == 0 && fy < 0 {
		return nil, fmt.Errorf("ZeroDivisionError: 0.0 cannot be raised to a negative power")
	}
	r := math.Pow(fx, fy)
	if math.IsNaN(r) && !math.IsNaN(fx) && !math.IsNaN(fy) {
		return nil, fmt.Errorf("ValueError: math domain error (a negative number to a fractional power is complex in Python)")
	}
	if math.IsInf(r, 0) && !math.IsInf(fx, 0) && !math.IsInf(fy, 0) {
		return nil, fmt.Errorf("OverflowError: (34, 'Numerical result out of range')")
	}
	return starlark.Float(r), nil
}

// builtinCallable is callable(x).
func builtinCallable(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	_, ok := x.(starlark.Callable)
	return starlark.Bool(ok), nil
}
