// Package policydoc builds IAM policy documents as JSON strings in plain Go
// (no data source to read at plan time, deterministic key order). Values may
// hold CDKTF tokens such as *logGroup.Arn(); they survive marshalling and are
// resolved at synth.
package policydoc

import "encoding/json"

// Statement is one IAM statement.
type Statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]string            `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// Allow is an Allow statement of actions on resources.
func Allow(actions []string, resources ...string) Statement {
	return Statement{Effect: "Allow", Action: actions, Resource: resources}
}

// Document renders a policy document.
func Document(statements ...Statement) string {
	b, err := json.Marshal(struct {
		Version   string      `json:"Version"`
		Statement []Statement `json:"Statement"`
	}{"2012-10-17", statements})
	if err != nil { // only plain strings inside: cannot happen
		panic(err)
	}
	return string(b)
}

// Trust is the assume-role policy letting one AWS service principal assume a role.
func Trust(service string) string {
	return Document(Statement{
		Effect:    "Allow",
		Principal: map[string]string{"Service": service},
		Action:    []string{"sts:AssumeRole"},
	})
}
