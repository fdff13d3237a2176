// Package check collects what is wrong with the props a construct's New is
// given: the problems of its settings (constructs/config's Validate, the
// rules the YAML reader runs) and of its wiring, all at once, as one
// *config.Errors named after the construct's path.
package check

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// Problems is the list being collected.
type Problems struct {
	list    []config.Problem
	omitted int
}

// Settings adds the problems of a settings Validate (nil: none).
func (p *Problems) Settings(err error) {
	if err == nil {
		return
	}
	var ce *config.Errors
	if errors.As(err, &ce) {
		p.list = append(p.list, ce.Problems...)
		p.omitted += ce.Omitted
		return
	}
	p.list = append(p.list, config.Problem{Msg: err.Error()})
}

// Add adds a problem of the wiring field (snake_case, as the settings'
// fields are named).
func (p *Problems) Add(field, format string, args ...any) {
	p.list = append(p.list, config.Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Require adds "is missing; want <want>" for field when ok is false.
func (p *Problems) Require(ok bool, field, want string) {
	if !ok {
		p.Add(field, "is missing; want %s", want)
	}
}

// Err is nil without problems, else the *config.Errors of the construct
// about to be made as id in scope (its path names it).
func (p *Problems) Err(scope constructs.Construct, id string) error {
	if len(p.list) == 0 && p.omitted == 0 {
		return nil
	}
	source := id
	if scope != nil {
		if path := *scope.Node().Path(); path != "" {
			source = path + "/" + id
		}
	}
	return &config.Errors{Source: source, Problems: p.list, Omitted: p.omitted}
}
