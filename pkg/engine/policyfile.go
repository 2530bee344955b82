package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// Limits on what salint reads from a policy directory, which in CI comes
// from the pull request under review (docs/custom-rules.md).
const (
	maxModuleSize  = 1 << 20  // one .rego file of a policy
	maxPolicySize  = 16 << 20 // all .rego files of one policy directory
	maxExampleSize = 64 << 10 // examples/bad.yaml or examples/good.yaml
)

// errSymlink is why a policy file behind a symbolic link is refused: a link
// could make salint read /proc/self/environ into a report, or /dev/zero for
// ever.
var errSymlink = errors.New("is a symbolic link: salint reads policy files only as regular files, never through a link")

// readRegular reads name of fsys as a regular file of at most limit bytes,
// without following a symbolic link, neither the file nor a directory on
// the way to it. A file system that cannot tell links apart (one without
// fs.ReadLinkFS, such as embed.FS) holds none. Nothing but a regular file is
// opened, so a FIFO or a device is never waited on. Errors name the file as
// root (the directory fsys stands for, as the user named it) joined with name.
func readRegular(fsys fs.FS, root, name string, limit int64) ([]byte, error) {
	shown := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	dirs := strings.Split(name, "/")
	for i := 1; i < len(dirs); i++ {
		dir := path.Join(dirs[:i]...)
		fi, err := fs.Lstat(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", shown(dir), err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s %w", shown(dir), errSymlink)
		}
	}
	data, err := readChecked(fsys, name, limit)
	if err != nil {
		return nil, fmt.Errorf("%s %w", shown(name), err)
	}
	return data, nil
}

// readChecked is readRegular for a file whose directories are checked.
func readChecked(fsys fs.FS, name string, limit int64) ([]byte, error) {
	fi, err := fs.Lstat(fsys, name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if err := regularWithin(fi, limit); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	// What was opened is checked again: the file may have changed since.
	if fi, err = f.Stat(); err != nil {
		return nil, unwrapPath(err)
	}
	if err := regularWithin(fi, limit); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(limit)
	}
	return data, nil
}

// unwrapPath drops the path of a *fs.PathError, which names the file by its
// path in the policy's FS rather than the one the user knows; the
// underlying error (fs.ErrNotExist, say) stays reachable.
func unwrapPath(err error) error {
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		return fmt.Errorf("cannot be read: %s: %w", pe.Op, pe.Err)
	}
	return err
}

// regularWithin refuses anything but a regular file of at most limit bytes.
func regularWithin(fi fs.FileInfo, limit int64) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return errSymlink
	case !fi.Mode().IsRegular():
		return fmt.Errorf("is %s, not a regular file", fileKind(fi.Mode()))
	case fi.Size() > limit:
		return tooLarge(limit)
	}
	return nil
}

// fileKind names what a file that is not regular is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

func tooLarge(limit int64) error {
	return fmt.Errorf("is larger than salint reads (%s)", byteSize(limit))
}

// byteSize is n in the largest binary unit that divides it: "64 KiB".
func byteSize(n int64) string {
	for _, u := range []struct {
		unit  string
		shift uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.unit)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
