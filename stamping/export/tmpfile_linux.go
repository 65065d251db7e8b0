package export

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// oTmpfile is Linux's O_TMPFILE: __O_TMPFILE with the architecture's
// O_DIRECTORY (the syscall package does not define it everywhere).
const oTmpfile = 0x400000 | syscall.O_DIRECTORY

// atSymlinkFollow is linkat's AT_SYMLINK_FOLLOW.
const atSymlinkFollow = 0x400

// openUnnamed opens a new file in dir that has no name yet (O_TMPFILE): if
// the process dies before linkUnnamed, the file vanishes with it.
func openUnnamed(dir string, mode os.FileMode) (*os.File, error) {
	return os.OpenFile(dir, os.O_WRONLY|oTmpfile, mode.Perm())
}

// linkUnnamed gives the unnamed file f a fresh name in dir made from
// pattern (as os.CreateTemp makes one) and returns it.
func linkUnnamed(f *os.File, dir, pattern string) (string, error) {
	prefix, suffix, _ := strings.Cut(pattern, "*")
	from, err := syscall.BytePtrFromString("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
	if err != nil {
		return "", err
	}
	for try := 0; try < 100; try++ {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10)+suffix)
		to, err := syscall.BytePtrFromString(name)
		if err != nil {
			return "", err
		}
		_, _, errno := syscall.Syscall6(syscall.SYS_LINKAT, atFDCWD, uintptr(unsafe.Pointer(from)),
			atFDCWD, uintptr(unsafe.Pointer(to)), atSymlinkFollow, 0)
		switch errno {
		case 0:
			return name, nil
		case syscall.EEXIST:
			continue
		}
		return "", &os.LinkError{Op: "link", Old: "/proc/self/fd/" + strconv.Itoa(int(f.Fd())), New: name, Err: errno}
	}
	return "", errors.New("export: no free temporary file name in " + dir)
}

// atFDCWD is AT_FDCWD (-100) as a system call argument.
var atFDCWD = func() uintptr { fd := -100; return uintptr(fd) }()
