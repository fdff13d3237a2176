package config_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// parseWithin parses data as the environments file source and fails the test
// when that takes longer than limit (a read that blocks or never ends).
func parseWithin(t *testing.T, limit time.Duration, source string, data []byte) (*config.File, time.Duration, error) {
	t.Helper()
	type result struct {
		f   *config.File
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		f, err := config.Parse(source, data)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.f, time.Since(start), r.err
	case <-time.After(limit):
		t.Fatalf("Parse of %s did not return within %s (a blocking or endless read)", source, limit)
		return nil, 0, nil
	}
}

// TestUserDataFileConfined: compute.user_data_file reads only a regular file
// inside the folder of the environments file; everything else is refused at
// once, with the field named, and nothing blocks or reads without bound.
func TestUserDataFileConfined(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("TOKEN=s3cr3t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type fixture func(t *testing.T, dir string)
	write := func(name string, data []byte) fixture {
		return func(t *testing.T, dir string) {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	symlink := func(name, target string) fixture {
		return func(t *testing.T, dir string) {
			if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Skip("no symbolic links here:", err)
			}
		}
	}
	cases := []struct {
		name  string
		file  string
		setup []fixture
		want  []string // in the problem on compute.user_data_file
	}{
		{name: "absolute path", file: "/etc/shadow", want: []string{`"/etc/shadow" is an absolute path`, "relative to the environments file"}},
		{name: "absolute path of a readable file", file: "/etc/hostname", want: []string{`"/etc/hostname" is an absolute path`}},
		{name: "absolute path into /proc", file: "/proc/self/environ", want: []string{`"/proc/self/environ" is an absolute path`}},
		{name: "absolute device", file: "/dev/zero", want: []string{`"/dev/zero" is an absolute path`}},
		{name: "dot-dot escape", file: "../../../../etc/hostname", want: []string{`"../../../../etc/hostname" leads out of the folder`}},
		{name: "dot-dot escape through a subfolder", setup: []fixture{write("boot/app.sh", []byte("#!/bin/sh\n"))}, file: "boot/../../secret",
			want: []string{`"boot/../../secret" leads out of the folder`}},
		{name: "symbolic link leading out", setup: []fixture{symlink("app.sh", secret)}, file: "app.sh",
			want: []string{`"app.sh" is a symbolic link that leads out of the folder`}},
		{name: "relative symbolic link leading out", setup: []fixture{symlink("app.sh", filepath.Join("..", filepath.Base(outside), "secret"))}, file: "app.sh",
			want: []string{`"app.sh" is a symbolic link that leads out of the folder`}},
		{name: "symbolic link to /dev/zero", setup: []fixture{symlink("zero.sh", "/dev/zero")}, file: "zero.sh",
			want: []string{`"zero.sh" is a symbolic link that leads out of the folder`}},
		{name: "symbolic link to /proc/self/environ", setup: []fixture{symlink("env.sh", "/proc/self/environ")}, file: "env.sh",
			want: []string{`"env.sh" is a symbolic link that leads out of the folder`}},
		{name: "folder that is a symbolic link leading out", setup: []fixture{symlink("boot", outside)}, file: "boot/secret",
			want: []string{`"boot/secret" cannot be read`, "inside its folder"}},
		{name: "directory", setup: []fixture{write("boot/app.sh", []byte("#!/bin/sh\n"))}, file: "boot", want: []string{`"boot" is a directory`}},
		{name: "named pipe", setup: []fixture{func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe.sh"), 0o644); err != nil {
				t.Skip("no named pipes here:", err)
			}
		}}, file: "pipe.sh", want: []string{`"pipe.sh" is a named pipe (FIFO)`}},
		{name: "one byte over the limit", setup: []fixture{write("big.sh", []byte(strings.Repeat("x", 12289)))}, file: "big.sh",
			want: []string{`"big.sh" is 12289 bytes, 16388 once base64-encoded`, "at most 12288 bytes before encoding"}},
		{name: "a sparse file of 1 GiB", setup: []fixture{func(t *testing.T, dir string) {
			fh, err := os.Create(filepath.Join(dir, "huge.sh"))
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			if err := fh.Truncate(1 << 30); err != nil {
				t.Fatal(err)
			}
		}}, file: "huge.sh", want: []string{`"huge.sh" is 1073741824 bytes, 1431655768 once base64-encoded`}},
		{name: "empty", setup: []fixture{write("empty.sh", nil)}, file: "empty.sh", want: []string{`"empty.sh" is empty`}},
		{name: "missing", file: "boot/none.sh", want: []string{`"boot/none.sh" cannot be read (no such file or directory)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, s := range c.setup {
				s(t, dir)
			}
			_, took, err := parseWithin(t, 5*time.Second, filepath.Join(dir, "environments.yaml"), build(t, "", "compute.user_data_file", c.file))
			checkOneProblem(t, err, "compute.user_data_file", c.want)
			t.Logf("refused in %s: %v", took, err)
		})
	}
}

// TestUserDataFileSpecialFolders: a device or a /proc file is refused even
// when the environments file's own folder holds it (os.Root alone would
// open it).
func TestUserDataFileSpecialFolders(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the device and /proc paths are Linux's")
	}
	cases := []struct {
		dir, file string
		want      []string
	}{
		{"/dev", "zero", []string{`"zero" is a device`}},
		{"/proc/self", "environ", []string{`"environ" is a file of the /proc pseudo file system`}},
		{"/sys/kernel", "uevent_seqnum", []string{`"uevent_seqnum" is a file of the /sys pseudo file system`}},
	}
	for _, c := range cases {
		t.Run(c.dir+"/"+c.file, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(c.dir, c.file)); err != nil {
				t.Skip(err)
			}
			_, _, err := parseWithin(t, 5*time.Second, filepath.Join(c.dir, "environments.yaml"), build(t, "", "compute.user_data_file", c.file))
			checkOneProblem(t, err, "compute.user_data_file", c.want)
		})
	}
}

// TestUserDataFileAccepted: a regular file inside the folder, directly, in
// a subfolder, through ".." that stays inside, or through a relative
// symbolic link that stays inside, is read whole.
func TestUserDataFileAccepted(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/bash\necho custom > /tmp/app\n"
	if err := os.MkdirAll(filepath.Join(dir, "boot", "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "boot", "app.sh"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	links := os.Symlink(filepath.Join("boot", "app.sh"), filepath.Join(dir, "current.sh")) == nil
	for _, name := range []string{"boot/app.sh", "boot/lib/../app.sh", "./boot/app.sh", "current.sh"} {
		t.Run(name, func(t *testing.T) {
			if name == "current.sh" && !links {
				t.Skip("no symbolic links here")
			}
			f, _, err := parseWithin(t, 5*time.Second, filepath.Join(dir, "environments.yaml"), build(t, "", "compute.user_data_file", name))
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if got := f.Environments[0].Compute.UserData; got != script {
				t.Errorf("UserData = %q, want %q", got, script)
			}
		})
	}
}

// checkOneProblem wants err to be exactly one problem, on field, with a line
// and each of the want texts.
func checkOneProblem(t *testing.T, err error, field string, want []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want a problem on %s", field)
	}
	ce, ok := err.(*config.Errors)
	if !ok {
		t.Fatalf("got %T %v, want *config.Errors", err, err)
	}
	if len(ce.Problems) != 1 || ce.Problems[0].Field != field {
		t.Fatalf("got %v; want one problem on %s", ce, field)
	}
	p := ce.Problems[0]
	if p.Line < 1 {
		t.Errorf("problem has no line: %v", p)
	}
	for _, w := range want {
		if !strings.Contains(p.Msg, w) {
			t.Errorf("problem %q does not contain %q", p.Msg, w)
		}
	}
}
