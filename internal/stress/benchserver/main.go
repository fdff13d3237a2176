// Command benchserver is the loopback target of scripts/bench-stress.sh: a
// tiny HTTP server that answers like the deployed app (instance ID in the
// body and in X-Instance-Id), naming -instances IDs in strict rotation so
// that a load of N requests (N a multiple of the count) must be credited
// exactly N/count to each. GET /__count returns the number of requests
// served (itself excluded), so the script can check that a tool's count
// matches the server's.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	instances := flag.Int("instances", 4, "number of instance IDs to rotate through")
	flag.Parse()
	if *instances < 1 {
		log.Fatal("-instances must be at least 1")
	}
	ids := make([]string, *instances)
	bodies := make([][]byte, *instances)
	for i := range ids {
		ids[i] = fmt.Sprintf("i-bench%d", i+1)
		bodies[i] = []byte(ids[i] + "\n")
	}
	var served atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/__count", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, served.Load())
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		i := (served.Add(1) - 1) % int64(len(ids))
		h := w.Header()
		h["X-Instance-Id"] = []string{ids[i]}
		h["Content-Type"] = []string{"text/plain"}
		h["Content-Length"] = []string{strconv.Itoa(len(bodies[i]))}
		_, _ = w.Write(bodies[i])
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The first line on stdout is the address, for the script to read.
	fmt.Println(ln.Addr().String())
	log.Fatal(http.Serve(ln, mux))
}
