// Package boundedread reads a file no further than a limit, so that no
// input (a huge or endless file) can make a command read without end.
package boundedread

import (
	"io"
	"os"
)

// ReadFile reads at most max bytes of path. tooBig is true when the file
// holds more (data then holds max+1 bytes and must not be used).
func ReadFile(path string, max int64) (data []byte, tooBig bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, false, err
	}
	return data, int64(len(data)) > max, nil
}
