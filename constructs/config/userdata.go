package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxUserDataRaw is the largest user data file read, in bytes: the most
// whose base64 encoding fits MaxUserDataBytes.
const maxUserDataRaw = MaxUserDataBytes / 4 * 3

// userDataWant says what compute.user_data_file may name.
const userDataWant = "want a regular file relative to the environments file, inside its folder (e.g. boot/app.sh)"

// readUserData reads compute.user_data_file name from dir, the folder of the
// environments file, and returns its contents, or what is wrong with it.
//
// Only a regular file inside dir is read: no absolute path, no ".." out of
// it, no symbolic link leading out of it (os.Root confines every step of the
// lookup to dir), no device, named pipe, socket, directory or file of a
// kernel pseudo file system (/proc, /sys). The file is stat'ed before it is
// opened (a named pipe is never opened, so it cannot block), opened
// non-blocking, and stat'ed again through the open descriptor, so that a
// file swapped in between is refused too. At most one byte more than the
// limit is ever read.
func readUserData(dir, name string) (string, string) {
	shown := q(name)
	if filepath.IsAbs(name) || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) {
		return "", fmt.Sprintf("%s is an absolute path; %s", shown, userDataWant)
	}
	if !filepath.IsLocal(name) {
		return "", fmt.Sprintf("%s leads out of the folder of the environments file; %s", shown, userDataWant)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Sprintf("%s cannot be read: the folder of the environments file cannot be opened (%s)", shown, clean(errText(err), 120))
	}
	defer root.Close()
	before, err := root.Stat(name) // follows symbolic links, inside dir only
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			if li, lerr := root.Lstat(name); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
				return "", fmt.Sprintf("%s is a symbolic link that leads out of the folder of the environments file (or is absolute); %s", shown, userDataWant)
			}
		}
		return "", fmt.Sprintf("%s cannot be read (%s); %s", shown, clean(errText(err), 120), userDataWant)
	}
	if what := notRegular(before.Mode()); what != "" {
		return "", fmt.Sprintf("%s is %s; %s", shown, what, userDataWant)
	}
	if msg := tooLarge(shown, before.Size()); msg != "" {
		return "", msg
	}
	fh, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", fmt.Sprintf("%s cannot be read (%s); %s", shown, clean(errText(err), 120), userDataWant)
	}
	defer fh.Close()
	opened, err := fh.Stat()
	if err != nil {
		return "", fmt.Sprintf("%s cannot be read (%s); %s", shown, clean(errText(err), 120), userDataWant)
	}
	if what := notRegular(opened.Mode()); what != "" {
		return "", fmt.Sprintf("%s is %s; %s", shown, what, userDataWant)
	}
	if !os.SameFile(before, opened) {
		return "", fmt.Sprintf("%s was replaced while it was read; run synth again", shown)
	}
	if what := pseudoFS(fh); what != "" {
		return "", fmt.Sprintf("%s is a file of %s, not a boot script; %s", shown, what, userDataWant)
	}
	if msg := tooLarge(shown, opened.Size()); msg != "" {
		return "", msg
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxUserDataRaw+1))
	switch {
	case err != nil:
		return "", fmt.Sprintf("%s cannot be read (%s); %s", shown, clean(errText(err), 120), userDataWant)
	case len(data) > maxUserDataRaw:
		return "", fmt.Sprintf("%s is more than %d bytes (it grew while it was read); EC2 takes at most %d (16 KB) once base64-encoded: want at most %d bytes before encoding",
			shown, maxUserDataRaw, MaxUserDataBytes, maxUserDataRaw)
	case len(data) == 0:
		return "", fmt.Sprintf("%s is empty; want the instances' boot script", shown)
	}
	return string(data), ""
}

// tooLarge says that a file of size bytes is beyond the user data limit, or "".
func tooLarge(shown string, size int64) string {
	if size <= maxUserDataRaw {
		return ""
	}
	// base64 length in uint64: no overflow whatever the size.
	encoded := uint64(size) / 3 * 4
	if size%3 != 0 {
		encoded += 4
	}
	return fmt.Sprintf("%s is %d bytes, %d once base64-encoded; EC2 takes at most %d (16 KB): want at most %d bytes before encoding",
		shown, size, encoded, MaxUserDataBytes, maxUserDataRaw)
}

// notRegular names the kind of a file that is not a regular file, or "".
func notRegular(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}
