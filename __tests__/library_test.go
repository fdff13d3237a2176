package tests

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/encryption"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/constructs/observability"
	"github.com/platformstarter/elastic-web-tier/constructs/scaling"
	"github.com/platformstarter/elastic-web-tier/constructs/webtier"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// libStack is a stack with the AWS provider for the library tests.
func libStack(t *testing.T, name string) (cdktf.App, cdktf.TerraformStack) {
	t.Helper()
	app := cdktf.Testing_App(&cdktf.TestingAppConfig{Outdir: jsii.String(t.TempDir())})
	st := cdktf.NewTerraformStack(app, jsii.String(name))
	provider.NewAwsProvider(st, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-2")})
	return app, st
}

// synthStack synthesizes st and reads it back.
func synthStack(t *testing.T, st cdktf.TerraformStack, name string) *stackjson.Stack {
	t.Helper()
	outdir := cdktf.Testing_FullSynth(st)
	t.Cleanup(func() { os.RemoveAll(*outdir) })
	s, err := stackjson.LoadDir(filepath.Join(*outdir, "stacks", name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// problemsOf returns the problems of a *config.Errors and its source.
func problemsOf(t *testing.T, err error) (string, []config.Problem) {
	t.Helper()
	var ce *config.Errors
	if !errors.As(err, &ce) {
		t.Fatalf("error is %T, want *config.Errors: %v", err, err)
	}
	return ce.Source, ce.Problems
}

// settingsProblems are the problems config's Validate finds (nil: none).
func settingsProblems(t *testing.T, err error) []config.Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	_, p := problemsOf(t, err)
	return p
}

func wiring(field, msg string) config.Problem { return config.Problem{Field: field, Msg: msg} }

// TestConstructsValidateProps: each construct's New, given invalid or
// missing props, returns the problems of its settings (exactly what
// config's Validate says, the YAML reader's rules) and of its wiring, all
// at once, named after the construct's path, and makes nothing.
func TestConstructsValidateProps(t *testing.T) {
	_, st := libStack(t, "lib")
	badCompute := compute.DefaultProps()
	badCompute.MinSize, badCompute.MaxSize = 3, 2
	badALB := alb.DefaultProps()
	badALB.IdleTimeout, badALB.TargetPort = 0, 0
	badScaling := scaling.DefaultProps()
	badScaling.Policy = config.PolicyRequestCount
	badScaling.TargetRequestsPerTarget = 0
	// A dual-stack load balancer on a network without IPv6 (and a bad idle timeout).
	dualStackOnIPv4 := alb.DefaultProps()
	dualStackOnIPv4.Name, dualStackOnIPv4.TargetGroupNamePrefix, dualStackOnIPv4.Region = "webtier-x", "x-", "us-east-1"
	dualStackOnIPv4.AccountID, dualStackOnIPv4.Network = jsii.String("123456789012"), ipv4Network{}
	dualStackOnIPv4.IPAddressType, dualStackOnIPv4.IdleTimeout = config.IPAddressDualstack, 0
	// A region left empty: config's message for a missing region.
	regionMissing := settingsProblems(t, config.ValidateRegionName(""))[0]
	cases := []struct {
		id   string
		make func(id string) error
		want []config.Problem
	}{
		{"net", func(id string) error { _, err := network.New(st, id, network.Props{}); return err },
			slices.Concat(
				[]config.Problem{wiring("name", "is missing; want the name prefix of the resources, e.g. webtier-dev")},
				settingsProblems(t, config.ValidateRegion("", nil)),
				settingsProblems(t, config.Network{}.Validate(0)))},
		{"key", func(id string) error { _, err := encryption.New(st, id, encryption.DefaultProps()); return err },
			[]config.Problem{
				wiring("name", "is missing; want the name prefix of the resources, e.g. webtier-prod"),
				regionMissing,
			}},
		{"key-region", func(id string) error {
			_, err := encryption.New(st, id, encryption.Props{Region: "eu-west-9"})
			return err
		}, append([]config.Problem{wiring("name", "is missing; want the name prefix of the resources, e.g. webtier-prod")},
			settingsProblems(t, config.ValidateRegionName("eu-west-9"))...)},
		{"lb", func(id string) error { _, err := alb.New(st, id, badALB); return err },
			slices.Concat(settingsProblems(t, badALB.ALB.Validate("")), []config.Problem{
				wiring("name", "is missing; want the load balancer's name, e.g. webtier-dev"),
				wiring("target_group_name_prefix", `"" is 0 characters; AWS takes 1 to 6`),
				regionMissing,
				wiring("target_port", "0 is not a port; want 1 to 65535"),
				wiring("network", "is missing; want the VPC and its public subnets, e.g. a *network.Network"),
				wiring("account_id", "is missing; the access log bucket's policy names the account, needed with alb.access_logs or alb.connection_logs"),
			})},
		{"lb-ipv6", func(id string) error { _, err := alb.New(st, id, dualStackOnIPv4); return err },
			append(settingsProblems(t, dualStackOnIPv4.ALB.Validate("us-east-1")),
				wiring("network", "has no IPv6 blocks but alb.ip_address_type is dualstack; want a dual-stack network (network.ipv6), or ip_address_type: ipv4"))},
		{"group", func(id string) error { _, err := compute.NewGroup(st, id, badCompute); return err },
			[]config.Problem{
				wiring("compute.min_size", "min_size (3) must be <= max_size (2)"),
				wiring("name", "is missing; want the name prefix of the resources, e.g. webtier-dev"),
				wiring("network", "is missing; want the VPC and its private subnets, e.g. a *network.Network"),
				wiring("target_group", "is missing; want the target group the instances register in, e.g. an *alb.ALB"),
			}},
		{"instance", func(id string) error {
			_, err := compute.NewInstance(st, id, compute.Props{Compute: config.Compute{Spot: &config.Spot{}}, SizesScheduled: true})
			return err
		}, slices.Concat([]config.Problem{
			wiring("compute.spot", "is set but NewInstance makes one instance, which has no mixed instances policy, so Spot would be ignored; use NewGroup, or leave Spot nil"),
			wiring("sizes_scheduled", "is true but NewInstance makes one instance, which has no sizes to schedule; use NewGroup, or leave it false"),
		}, settingsProblems(t, config.Compute{Spot: &config.Spot{}}.Validate()), []config.Problem{
			wiring("name", "is missing; want the name prefix of the resources, e.g. webtier-dev"),
			wiring("network", "is missing; want the VPC and its private subnets, e.g. a *network.Network"),
			wiring("target_group", "is missing; want the target group the instances register in, e.g. an *alb.ALB"),
		})},
		{"obs", func(id string) error { _, err := observability.New(st, id, observability.Props{}); return err },
			slices.Concat(settingsProblems(t, config.Observability{}.Validate()), []config.Problem{
				wiring("name", "is missing; want the name prefix of the resources, e.g. webtier-prod"),
				regionMissing,
				wiring("load_balancer", "is missing; want the load balancer to watch, e.g. an *alb.ALB"),
				wiring("compute", "is missing; want the instances to watch, a *compute.Group or *compute.Instance"),
			})},
		{"scale", func(id string) error { _, err := scaling.New(st, id, badScaling); return err },
			[]config.Problem{
				wiring("scaling.target_requests_per_target", "0 is not allowed; want 1 to 100000 requests per target per minute"),
				wiring("name", "is missing; want the name prefix of the resources, e.g. webtier-prod"),
				wiring("group", "is missing; want the *compute.Group to scale"),
				wiring("load_balancer", "is missing; the request_count policy counts the requests of a load balancer's target group: want e.g. an *alb.ALB"),
			}},
		{"recover", func(id string) error {
			_, err := scaling.NewRecovery(st, id, scaling.DefaultRecoveryProps())
			return err
		}, []config.Problem{
			wiring("name", "is missing; want the name prefix of the resources, e.g. webtier-dev"),
			wiring("instance", "is missing; want the *compute.Instance to recover"),
			regionMissing,
		}},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			if len(c.want) < 2 {
				t.Fatalf("want lists %d problems; each case has several, to show they come at once", len(c.want))
			}
			source, got := problemsOf(t, c.make(c.id))
			if want := "lib/" + c.id; source != want {
				t.Errorf("source: got %q, want %q", source, want)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("problems:\ngot  %q\nwant %q", got, c.want)
			}
			if child := st.Node().TryFindChild(jsii.String(c.id)); child != nil {
				t.Errorf("New failed but made %s", *child.Node().Path())
			}
		})
	}
}

// TestWebTierValidatesProps: webtier.New refuses what the YAML reader
// refuses in an environment, with its messages (Environment.Validate), and
// makes no stack.
func TestWebTierValidatesProps(t *testing.T) {
	app := cdktf.Testing_App(&cdktf.TestingAppConfig{Outdir: jsii.String(t.TempDir())})
	p := webtier.DefaultProps()
	p.Name = "other"
	_, err := webtier.New(app, "prod", p)
	source, got := problemsOf(t, err)
	e := config.Builtin()
	e.Name = "prod"
	e.ApplyDerivedDefaults(config.DefaultProject)
	want := append([]config.Problem{wiring("name", `"other" differs from the id "prod"; the id names the environment: leave name empty`)},
		settingsProblems(t, e.Validate(config.DefaultProject))...)
	if source != "prod" || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q: %q\nwant %q: %q", source, got, "prod", want)
	}
	if len(want) < 3 {
		t.Errorf("want lists %d problems; the defaults miss region, zones and cidr", len(want))
	}
	if child := app.Node().TryFindChild(jsii.String("prod")); child != nil {
		t.Errorf("New failed but made the stack %s", *child.Node().Path())
	}
}

// TestWebTierInAnApp: a user's app gets a whole web tier from
// DefaultProps and three settings, and reaches its parts.
func TestWebTierInAnApp(t *testing.T) {
	app := cdktf.Testing_App(&cdktf.TestingAppConfig{Outdir: jsii.String(t.TempDir())})
	p := webtier.DefaultProps()
	p.Region, p.AvailabilityZones = "eu-west-2", []string{"eu-west-2a", "eu-west-2b"}
	p.Network.CIDR = "10.20.0.0/16"
	tier, err := webtier.New(app, "shop", p)
	if err != nil {
		t.Fatal(err)
	}
	if tier.Group == nil || tier.Scaling == nil || tier.Instance != nil || tier.Recovery != nil {
		t.Fatalf("asg by default: got group %v, scaling %v, instance %v, recovery %v", tier.Group != nil, tier.Scaling != nil, tier.Instance != nil, tier.Recovery != nil)
	}
	tier.Group.AutoScalingGroup.AddOverride(jsii.String("max_instance_lifetime"), 604800)
	s := synthStack(t, tier.Stack, "shop")
	asg := mustOne(t, s, "aws_autoscaling_group")
	if got, _ := asg.Number("max_instance_lifetime"); got != 604800 {
		t.Errorf("override through the escape hatch: max_instance_lifetime = %v, want 604800", got)
	}
	if got, _ := asg.String("name"); got != "webtier-shop-asg" {
		t.Errorf("group name = %q, want webtier-shop-asg", got)
	}
	if got, _ := mustOne(t, s, "aws_vpc").String("cidr_block"); got != "10.20.0.0/16" {
		t.Errorf("vpc cidr_block = %q, want 10.20.0.0/16", got)
	}
}

// TestVerbsTakeSeveralPeers: AllowFrom, AllowEndpointsFrom and NotifyTo
// can be called for more than one peer (each peer's resources named after
// it) and again for the same peer (nothing added).
func TestVerbsTakeSeveralPeers(t *testing.T) {
	_, st := libStack(t, "lib")
	np := network.DefaultProps()
	np.Name, np.Region, np.AvailabilityZones, np.CIDR = "lib", "eu-west-2", []string{"eu-west-2a", "eu-west-2b"}, "10.0.0.0/16"
	np.InterfaceEndpoints = true
	net, err := network.New(st, "network", np)
	if err != nil {
		t.Fatal(err)
	}
	lb := func(id, name, prefix string) *alb.ALB {
		p := alb.DefaultProps()
		p.Name, p.TargetGroupNamePrefix, p.Network, p.Region = name, prefix, net, "eu-west-2"
		p.AccessLogs, p.WAF = false, false
		a, err := alb.New(st, id, p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	public, internal := lb("alb", "lib", "lib-"), lb("internal", "lib-internal", "int-")
	cp := compute.DefaultProps()
	cp.Name, cp.Network, cp.TargetGroup = "lib", net, public
	group, err := compute.NewGroup(st, "web", cp)
	if err != nil {
		t.Fatal(err)
	}
	worker, err := compute.NewInstance(st, "worker", cp)
	if err != nil {
		t.Fatal(err)
	}
	group.AllowFrom(public)
	group.AllowFrom(internal)
	group.AllowFrom(public) // again: nothing added
	net.AllowEndpointsFrom(group)
	net.AllowEndpointsFrom(worker)
	net.AllowEndpointsFrom(group)
	obs := func(id, name string) *observability.Observability {
		p := observability.DefaultProps()
		p.Name, p.Region, p.LoadBalancer, p.Compute = name, "eu-west-2", public, group
		o, err := observability.New(st, id, p)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	ops, audit := obs("ops", "lib"), obs("audit", "lib-audit")
	group.NotifyTo(ops)
	group.NotifyTo(audit)
	group.NotifyTo(ops)

	s := synthStack(t, st, "lib")
	paths := func(typ string) []string {
		var out []string
		for _, r := range s.OfType(typ) {
			out = append(out, r.Path)
		}
		sort.Strings(out)
		return out
	}
	checks := []struct {
		typ  string
		want []string
	}{
		{"aws_vpc_security_group_ingress_rule", []string{
			"lib/alb/ingress-80-0", "lib/internal/ingress-80-0",
			"lib/network/endpoints/ingress-https-from-web", "lib/network/endpoints/ingress-https-from-worker",
			"lib/web/ingress-app-from-alb", "lib/web/ingress-app-from-internal",
		}},
		{"aws_vpc_security_group_egress_rule", []string{
			"lib/web/egress-alb-to-app", "lib/web/egress-https", "lib/web/egress-internal-to-app", "lib/worker/egress-https",
		}},
		{"aws_autoscaling_notification", []string{"lib/web/notifications", "lib/web/notifications-audit"}},
	}
	for _, c := range checks {
		if got := paths(c.typ); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\ngot  %q\nwant %q", c.typ, got, c.want)
		}
	}
	for _, r := range s.OfType("aws_vpc_security_group_ingress_rule") {
		if r.Path == "lib/web/ingress-app-from-internal" {
			if got, _ := r.String("description"); got != "App port from the load balancer" {
				t.Errorf("%s description = %q, want App port from the load balancer", r.Where(), got)
			}
			if !stackjson.RefTo(r.Attrs["referenced_security_group_id"], mustAt(t, s, "lib/internal/sg").Address()) {
				t.Errorf("%s does not reference the internal load balancer's group: %s", r.Where(), show(r.Attrs))
			}
		}
	}
}

// TestInstanceRecovers: a single instance is not scaled; NewRecovery gives
// it the auto-recovery alarm on its ID.
func TestInstanceRecovers(t *testing.T) {
	_, st := libStack(t, "one")
	np := network.DefaultProps()
	np.Name, np.Region, np.AvailabilityZones, np.CIDR = "one", "eu-west-2", []string{"eu-west-2a", "eu-west-2b"}, "10.0.0.0/16"
	net, err := network.New(st, "network", np)
	if err != nil {
		t.Fatal(err)
	}
	ap := alb.DefaultProps()
	ap.Name, ap.TargetGroupNamePrefix, ap.Network, ap.Region, ap.AccessLogs, ap.WAF = "one", "one-", net, "eu-west-2", false, false
	lb, err := alb.New(st, "alb", ap)
	if err != nil {
		t.Fatal(err)
	}
	cp := compute.DefaultProps()
	cp.Name, cp.Network, cp.TargetGroup = "one", net, lb
	inst, err := compute.NewInstance(st, "compute", cp)
	if err != nil {
		t.Fatal(err)
	}
	var _ compute.Compute = inst
	rp := scaling.DefaultRecoveryProps()
	rp.Name, rp.Instance, rp.Region = "one", inst, "eu-west-2"
	if _, err := scaling.NewRecovery(st, "scaling", rp); err != nil {
		t.Fatal(err)
	}
	s := synthStack(t, st, "one")
	alarm := mustOne(t, s, "aws_cloudwatch_metric_alarm")
	if got, _ := alarm.Get("dimensions", "InstanceId"); !stackjson.RefTo(got, mustOne(t, s, "aws_instance").Address()) {
		t.Errorf("recovery alarm does not watch the instance: %s", show(alarm.Attrs))
	}
	if got := alarm.List("alarm_actions"); len(got) != 1 || got[0] != "arn:aws:automate:eu-west-2:ec2:recover" {
		t.Errorf("alarm_actions = %v, want [arn:aws:automate:eu-west-2:ec2:recover]", got)
	}
	if n := len(s.OfType("aws_autoscaling_group")); n != 0 {
		t.Errorf("%d groups, want none", n)
	}
}

// mustAt finds the resource at a construct path.
func mustAt(t *testing.T, s *stackjson.Stack, path string) stackjson.Resource {
	t.Helper()
	for _, r := range s.Resources {
		if r.Path == path {
			return r
		}
	}
	t.Fatalf("no resource at %s", path)
	return stackjson.Resource{}
}
