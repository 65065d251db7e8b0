package python

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.starlark.net/starlark"

	"github.com/stampede-dev/stampede/canvas"
	"github.com/stampede-dev/stampede/visitors/script"
)

// The time and datetime modules, as far as a visitor that stamps when it
// ran needs them: time.time(), time.time_ns(), time.monotonic(),
// datetime.now(tz), datetime.utcnow(), datetime.fromtimestamp(ts, tz),
// timezone.utc, and a datetime's fields,
// isoformat(), timestamp() and strftime(). Like uuid4(), their values
// differ from run to run; a recorded session keeps them.

// clockStart is what time.monotonic() counts from.
var clockStart = time.Now()

var timeModule = &pyModule{name: "time", members: starlark.StringDict{
	"time": starlark.NewBuiltin("time", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := noArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		return starlark.Float(float64(time.Now().UnixNano()) / 1e9), nil
	}),
	"time_ns": starlark.NewBuiltin("time_ns", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := noArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		return starlark.MakeInt64(time.Now().UnixNano()), nil
	}),
	"monotonic": starlark.NewBuiltin("monotonic", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := noArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		return starlark.Float(time.Since(clockStart).Seconds()), nil
	}),
}}

// utc is datetime.timezone.utc.
var utc = &tzValue{}

var datetimeModule = &pyModule{name: "datetime", members: starlark.StringDict{
	"datetime": datetimeClass,
	"timezone": &pyModule{name: "timezone", members: starlark.StringDict{"utc": utc}},
}}

// tzValue is datetime.timezone.utc, the one time zone a visitor can name.
type tzValue struct{}

func (*tzValue) String() string        { return "datetime.timezone.utc" }
func (*tzValue) Type() string          { return "timezone" }
func (*tzValue) Freeze()               {}
func (*tzValue) Truth() starlark.Bool  { return true }
func (*tzValue) Hash() (uint32, error) { return 0, nil }

// dtValue is a datetime: a naive one is local time (as datetime.now()
// gives it) or UTC (datetime.utcnow()) without saying which; an aware one
// is in UTC. Python keeps microseconds.
type dtValue struct {
	t     time.Time
	aware bool
}

var (
	_ starlark.HasAttrs   = (*dtValue)(nil)
	_ script.CanvasValuer = (*dtValue)(nil)
)

func (d *dtValue) String() string        { return d.iso("T", "auto") }
func (d *dtValue) Type() string          { return "datetime" }
func (d *dtValue) Freeze()               {}
func (d *dtValue) Truth() starlark.Bool  { return true }
func (d *dtValue) Hash() (uint32, error) { return starlark.String(d.iso("T", "auto")).Hash() }

// CanvasValue is the datetime's isoformat(): a canvas is JSON, which has
// no datetime (kombu's own serializer wraps one in a {"__type__":
// "datetime"} envelope that only kombu reads back).
func (d *dtValue) CanvasValue() canvas.Value { return d.iso("T", "auto") }

var dtAttrs = []string{"day", "hour", "isoformat", "microsecond", "minute", "month", "second", "strftime", "timestamp", "tzinfo", "year"}

func (d *dtValue) AttrNames() []string { return dtAttrs }

func (d *dtValue) Attr(name string) (starlark.Value, error) {
	t := d.t
	switch name {
	case "year":
		return starlark.MakeInt(t.Year()), nil
	case "month":
		return starlark.MakeInt(int(t.Month())), nil
	case "day":
		return starlark.MakeInt(t.Day()), nil
	case "hour":
		return starlark.MakeInt(t.Hour()), nil
	case "minute":
		return starlark.MakeInt(t.Minute()), nil
	case "second":
		return starlark.MakeInt(t.Second()), nil
	case "microsecond":
		return starlark.MakeInt(t.Nanosecond() / 1000), nil
	case "tzinfo":
		if d.aware {
			return utc, nil
		}
		return starlark.None, nil
	case "isoformat":
		return starlark.NewBuiltin("isoformat", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			sep, spec := "T", "auto"
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "sep?", &sep, "timespec?", &spec); err != nil {
				return nil, err
			}
			switch spec {
			case "auto", "hours", "minutes", "seconds", "milliseconds", "microseconds":
			default:
				return nil, fmt.Errorf("ValueError: Unknown timespec value")
			}
			return starlark.String(d.iso(sep, spec)), nil
		}), nil
	case "timestamp":
		return starlark.NewBuiltin("timestamp", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if err := noArgs(b.Name(), args, kwargs); err != nil {
				return nil, err
			}
			return starlark.Float(float64(d.t.Unix()) + float64(d.t.Nanosecond()/1000)/1e6), nil
		}), nil
	case "strftime":
		return starlark.NewBuiltin("strftime", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var format string
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &format); err != nil {
				return nil, err
			}
			s, err := d.strftime(format)
			if err != nil {
				return nil, err
			}
			return starlark.String(s), nil
		}), nil
	}
	return nil, starlark.NoSuchAttrError(fmt.Sprintf("'datetime.datetime' object has no attribute '%s'", name))
}

// repr is repr(datetime): datetime.datetime(2023, 11, 14, 22, 13, 20,
// 123456, tzinfo=datetime.timezone.utc), a zero microsecond and second
// left out.
func (d *dtValue) repr() string {
	t := d.t
	fields := []int{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond() / 1000}
	n := len(fields)
	for n > 5 && fields[n-1] == 0 { // hour and minute always show
		n--
	}
	parts := make([]string, n)
	for i, f := range fields[:n] {
		parts[i] = strconv.Itoa(f)
	}
	if d.aware {
		parts = append(parts, "tzinfo=datetime.timezone.utc")
	}
	return "datetime.datetime(" + strings.Join(parts, ", ") + ")"
}

// iso is datetime.isoformat(sep, timespec).
func (d *dtValue) iso(sep, spec string) string {
	t := d.t
	us := t.Nanosecond() / 1000
	if spec == "auto" {
		spec = "seconds"
		if us != 0 {
			spec = "microseconds"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%04d-%02d-%02d%s%02d", t.Year(), t.Month(), t.Day(), sep, t.Hour())
	switch spec {
	case "minutes":
		fmt.Fprintf(&b, ":%02d", t.Minute())
	case "seconds":
		fmt.Fprintf(&b, ":%02d:%02d", t.Minute(), t.Second())
	case "milliseconds":
		fmt.Fprintf(&b, ":%02d:%02d.%03d", t.Minute(), t.Second(), us/1000)
	case "microseconds":
		fmt.Fprintf(&b, ":%02d:%02d.%06d", t.Minute(), t.Second(), us)
	}
	if d.aware {
		b.WriteString("+00:00")
	}
	return b.String()
}

// strftime is datetime.strftime(format) for the directives C's strftime
// shares on every platform, in the C locale.
func (d *dtValue) strftime(format string) (string, error) {
	t := d.t
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", (t.Hour()+11)%12+1)
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'b':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'z':
			if d.aware {
				b.WriteString("+0000")
			}
		case 'Z':
			if d.aware {
				b.WriteString("UTC")
			}
		case '%':
			b.WriteByte('%')
		default:
			return "", fmt.Errorf("ValueError: strftime directive %%%c is not supported in a visitor (supported: %%Y %%y %%m %%d %%H %%I %%M %%S %%f %%p %%j %%a %%A %%w %%b %%B %%z %%Z %%%%)", format[i])
		}
	}
	return b.String(), nil
}

// datetimeClass is the datetime class's constructors a visitor needs: now,
// utcnow and fromtimestamp.
var datetimeClass = &pyModule{name: "datetime", members: starlark.StringDict{
	"now": starlark.NewBuiltin("now", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var tz starlark.Value = starlark.None
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "tz?", &tz); err != nil {
			return nil, err
		}
		return fromTime(time.Now().Truncate(time.Microsecond), tz)
	}),
	"utcnow": starlark.NewBuiltin("utcnow", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := noArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		return &dtValue{t: time.Now().UTC().Truncate(time.Microsecond)}, nil
	}),
	"fromtimestamp": starlark.NewBuiltin("fromtimestamp", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var ts starlark.Value
		var tz starlark.Value = starlark.None
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "timestamp", &ts, "tz?", &tz); err != nil {
			return nil, err
		}
		f, ok := floatOf(ts)
		if !ok {
			return nil, fmt.Errorf("TypeError: 'str' object cannot be interpreted as an integer")
		}
		sec := int64(f)
		return fromTime(time.Unix(sec, int64((f-float64(sec))*1e9)).Round(time.Microsecond), tz)
	}),
}}

// fromTime is t as datetime: aware in UTC when tz is timezone.utc, naive
// local time when tz is None.
func fromTime(t time.Time, tz starlark.Value) (starlark.Value, error) {
	switch tz {
	case starlark.None:
		return &dtValue{t: t.Local()}, nil
	case utc:
		return &dtValue{t: t.UTC(), aware: true}, nil
	}
	return nil, fmt.Errorf("TypeError: tzinfo argument must be None or of a tzinfo subclass, not type '%s' (a visitor has timezone.utc)", script.PyType(tz))
}
