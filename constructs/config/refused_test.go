package config_test

import (
	"strings"
	"testing"
)

// wantProblem is one problem a file must have: its line, environment, field
// and texts of its message.
type wantProblem struct {
	line       int
	env, field string
	msg        []string
}

// TestRefusedAsWritten: files refused for how they are written (tabs, YAML
// merge keys) or for a setting that would be ignored, with every problem at
// once, each on its line: the file holds exactly the problems listed.
func TestRefusedAsWritten(t *testing.T) {
	const env = "    network: {cidr: 10.1.0.0/16}\n"
	const head = "defaults:\n  region: us-east-1\n  availability_zones: [us-east-1a, us-east-1b]\n"
	cases := []struct {
		name string
		src  string
		want []wantProblem
	}{
		{
			name: "a tab indenting a key",
			src:  "environments:\n  dev:\n\tregion: us-east-1\n",
			want: []wantProblem{{3, "", "", []string{"a tab character (column 1)", "spaces", "replace each tab"}}},
		},
		{
			name: "tabs after a colon and in a comment, each line reported",
			src:  head + "environments:\n  dev:\n    network:\t{cidr: 10.1.0.0/16}\n    # a\tcomment\n",
			want: []wantProblem{
				{6, "", "", []string{"a tab character (column 13)"}},
				{7, "", "", []string{"a tab character (column 8)"}},
			},
		},
		{
			name: "a merge key in tags",
			src:  head + "environments:\n  one:\n" + env + "    tags: &common {team: web}\n  two:\n" + env + "    tags:\n      <<: *common\n      cost: x\n",
			want: []wantProblem{{11, "two", "tags", []string{"a YAML merge key (<<)", "no merge keys", "alias (*name) of a whole block"}}},
		},
		{
			// Nothing is merged: two has no network.
			name: "a merge key making an environment out of another",
			src:  head + "environments:\n  one: &one\n" + env + "  two:\n    <<: *one\n    compute: {instance_type: t3.small}\n",
			want: []wantProblem{
				{8, "two", "", []string{"a YAML merge key (<<)"}},
				{8, "two", "network.cidr", []string{"is missing"}},
			},
		},
		{
			name: "merge keys at the top, in defaults and in a list item, with another problem",
			src: "<<: {project: webtier}\n" +
				"defaults:\n  <<: {region: us-east-1}\n  region: us-east-1\n  availability_zones: [us-east-1a, us-east-1b]\n" +
				"environments:\n  dev:\n" + env +
				"    suppressions:\n      - {<<: {rule: EWT-ALB-1}, rule: EWT-ALB-1, resource: dev/alb/lb, reason: r}\n" +
				"    compute: {min_size: 0}\n",
			want: []wantProblem{
				{1, "", "", []string{"a YAML merge key (<<)"}},
				{3, "defaults", "", []string{"a YAML merge key (<<)"}},
				{10, "dev", "suppressions[0]", []string{"a YAML merge key (<<)"}},
				{11, "dev", "compute.min_size", []string{"0 is not allowed"}},
			},
		},
		{
			name: "spot from the defaults block in an ec2 environment",
			src: "defaults:\n  region: us-east-1\n  availability_zones: [us-east-1a, us-east-1b]\n  compute:\n    spot: {instance_types: [t3.small]}\n" +
				"environments:\n  dev:\n    compute_mode: ec2\n" + env + "  prod:\n    compute_mode: asg\n    network: {cidr: 10.2.0.0/16}\n",
			want: []wantProblem{{5, "dev", "compute.spot", []string{"is set (in the defaults block, which applies to every environment) but compute_mode is ec2", "move spot from defaults into the blocks of the asg environments"}}},
		},
		{
			name: "spot in the environment, ec2 mode from the defaults block",
			src:  head + "  compute_mode: ec2\nenvironments:\n  dev:\n" + env + "    compute:\n      spot: {instance_types: [t3.small]}\n",
			want: []wantProblem{{9, "dev", "compute.spot", []string{"is set but compute_mode is ec2", "or remove spot"}}},
		},
		{
			name: "https false in the defaults block next to an environment's domain",
			src: head + "  alb: {https: false}\nenvironments:\n  web:\n" + env + "    alb:\n      domain: {name: app.example.com, zone_id: Z123}\n" +
				"  api:\n    network: {cidr: 10.2.0.0/16}\n",
			want: []wantProblem{{4, "web", "alb.https", []string{"is false (in the defaults block, which applies to every environment) but alb.domain is set"}}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ce := problemsOf(t, []byte(c.src))
			if ce == nil {
				t.Fatalf("accepted; want %d problems\n%s", len(c.want), c.src)
			}
			if len(ce.Problems) != len(c.want) || ce.Omitted != 0 {
				t.Fatalf("got %d problems, want %d:\n%v\nfile:\n%s", len(ce.Problems), len(c.want), ce, c.src)
			}
			for i, w := range c.want {
				p := ce.Problems[i]
				if p.Line != w.line || p.Env != w.env || p.Field != w.field {
					t.Errorf("problem %d: got line %d env %q field %q, want line %d env %q field %q: %v", i, p.Line, p.Env, p.Field, w.line, w.env, w.field, p)
				}
				for _, m := range w.msg {
					if !strings.Contains(p.Msg, m) {
						t.Errorf("problem %d: %q does not contain %q", i, p.Msg, m)
					}
				}
			}
		})
	}
}
