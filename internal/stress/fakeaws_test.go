package stress

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAWS answers the two AWS Query-protocol calls --watch makes
// (form-encoded POST, XML response), on loopback.
type fakeAWS struct {
	mu         sync.Mutex
	activities []fakeActivity // returned newest first, as AWS does
	targets    []fakeTarget
	deny       bool // answer DescribeScalingActivities with AccessDenied
	calls      []string
	auth       []string
	onCall     func(action string, n int) // called under mu, after counting
}

type fakeActivity struct {
	id, status, description string
	start, end              time.Time
}

type fakeTarget struct {
	id     string
	port   int
	state  string
	reason string
}

func newFakeAWS(t *testing.T) (*fakeAWS, *httptest.Server) {
	t.Helper()
	f := &fakeAWS{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeAWS) set(fn func(f *fakeAWS)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	action := r.PostForm.Get("Action")
	f.calls = append(f.calls, action+" "+r.PostForm.Get("AutoScalingGroupName")+r.PostForm.Get("TargetGroupArn"))
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	if f.onCall != nil {
		n := 0
		for _, c := range f.calls {
			if strings.HasPrefix(c, action+" ") {
				n++
			}
		}
		f.onCall(action, n)
	}
	w.Header().Set("Content-Type", "text/xml")
	var b strings.Builder
	switch action {
	case "DescribeScalingActivities":
		if f.deny {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
			return
		}
		b.WriteString(`<DescribeScalingActivitiesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeScalingActivitiesResult><Activities>`)
		for _, a := range f.activities {
			fmt.Fprintf(&b, `<member><ActivityId>%s</ActivityId><AutoScalingGroupName>%s</AutoScalingGroupName><Description>%s</Description><Cause>test</Cause><StartTime>%s</StartTime><StatusCode>%s</StatusCode><Progress>50</Progress>`,
				esc(a.id), esc(r.PostForm.Get("AutoScalingGroupName")), esc(a.description), a.start.UTC().Format(time.RFC3339Nano), a.status)
			if !a.end.IsZero() {
				fmt.Fprintf(&b, `<EndTime>%s</EndTime>`, a.end.UTC().Format(time.RFC3339Nano))
			}
			b.WriteString(`</member>`)
		}
		b.WriteString(`</Activities></DescribeScalingActivitiesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeScalingActivitiesResponse>`)
	case "DescribeTargetHealth":
		b.WriteString(`<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetHealthResult><TargetHealthDescriptions>`)
		for _, tg := range f.targets {
			fmt.Fprintf(&b, `<member><Target><Id>%s</Id><Port>%d</Port></Target><HealthCheckPort>%d</HealthCheckPort><TargetHealth><State>%s</State>`,
				esc(tg.id), tg.port, tg.port, tg.state)
			if tg.reason != "" {
				fmt.Fprintf(&b, `<Reason>%s</Reason>`, tg.reason)
			}
			b.WriteString(`</TargetHealth></member>`)
		}
		b.WriteString(`</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeTargetHealthResponse>`)
	default:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>%s</Message></Error><RequestId>r</RequestId></ErrorResponse>`, esc(action))
		return
	}
	fmt.Fprint(w, b.String())
}
