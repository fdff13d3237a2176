// Package config is the one description of an environment: the types of
// environments.yaml, their built-in defaults (Builtin, and per section
// DefaultNetwork, DefaultCompute, ...), the enumerations and allow-lists,
// and the validation that reports every problem at once; a strict YAML
// reader (unknown keys and wrong types are errors) that no file can hang.
// Every setting is defined here once: the constructs embed these types in
// their props, start from these defaults and run these rules (each
// section's Validate, Environment.Validate) on what a Go caller gives them,
// so a Go caller and the YAML reader get the same messages. Zero is a
// value: the reader decodes the file onto the defaults, so a 0 in the file
// replaces the default and reaches the synthesized JSON. It is plain Go with
// no jsii, so the reader, cost, policy and the simulator use it without the
// constructs.
package config

import (
	"fmt"
	"net"

	"github.com/apparentlymart/go-cidr/cidr"
)

// File is the whole environments file.
type File struct {
	// Project names the system; it prefixes resource names and tags. Default: webtier.
	Project string `yaml:"project"`
	// Defaults are settings applied to every environment before its own block.
	Defaults Environment `yaml:"defaults"`
	// Environments in file order.
	Environments []*Environment `yaml:"-"`
	// Dir is the directory of the environments file, which
	// compute.user_data_file is relative to. Not a key of the file.
	Dir string `yaml:"-"`
}

// Environment is one deployable environment; it becomes one TerraformStack.
type Environment struct {
	// Name is the environment's key in the file (dev, stage, prod); the stack id.
	Name string `yaml:"-"`
	// Region is the AWS region, e.g. us-east-1. Required.
	Region string `yaml:"region"`
	// AvailabilityZones lists at least two AZs of Region, explicitly (no lookup). Required.
	AvailabilityZones []string `yaml:"availability_zones"`
	// Production marks an environment that needs production safeguards: the
	// policy checks then require ALB deletion protection, HTTPS, WAF, access
	// logs, desync mitigation defensive or strictest, an alarm subscriber and
	// S3 state (EWT-ALB-2, -4..7, EWT-OBS-1, EWT-STATE-1). Default: false.
	Production bool `yaml:"production"`
	// ComputeMode is "ec2" (one instance) or "asg" (Auto Scaling Group). Default: asg.
	ComputeMode ComputeMode `yaml:"compute_mode"`
	// Network configures the VPC.
	Network Network `yaml:"network"`
	// Compute configures the launch template, instance and ASG.
	Compute Compute `yaml:"compute"`
	// ALB configures the load balancer, target group and listeners.
	ALB ALB `yaml:"alb"`
	// Scaling configures the alarm-driven scaling policies (asg mode only).
	Scaling Scaling `yaml:"scaling"`
	// Observability configures the alarm topic, health alarms and dashboard.
	Observability Observability `yaml:"observability"`
	// Backend selects the S3 remote state backend; absent means local state. Default: local.
	Backend *Backend `yaml:"backend"`
	// Tags are extra default tags on every resource, at most 45 (AWS allows 50
	// and the stack adds project, environment, managed-by, Name and Tier,
	// which are reserved). Keys 1-128 and values 0-256 characters of letters,
	// digits, spaces and _ . : / = + - @ (AWS's rule); no aws: prefix. Default: none.
	Tags map[string]string `yaml:"tags"`
	// Suppressions silence one policy rule on one resource, each with a reason. Default: none.
	Suppressions []Suppression `yaml:"suppressions"`
	// Budget fails synth (policy rule EWT-COST-1) when the estimated monthly
	// cost at max capacity exceeds it; absent means no budget. Default: none.
	Budget *Budget `yaml:"budget"`
	// AccountID is the 12-digit AWS account the environment deploys into,
	// written as the provider's allowed_account_ids: credentials of any
	// other account fail before plan or apply touches a resource. Required
	// with assume_role. Default: none (any account).
	AccountID string `yaml:"account_id"`
	// AssumeRole makes the provider assume a role in account_id before it
	// does anything, from whatever credentials the shell or the workflow
	// has. Absent: the credentials are used as they are. Default: absent.
	AssumeRole *AssumeRole `yaml:"assume_role"`
}

// Budget is an environment's monthly cost ceiling, checked at synth against
// the estimate of internal/cost (list prices, default usage assumptions).
type Budget struct {
	// MaxMonthlyUSD is the ceiling in USD a month, above 0. Required in a budget block.
	MaxMonthlyUSD float64 `yaml:"max_monthly_usd"`
}

// AssumeRole is the role the AWS provider assumes (STS AssumeRole) for an
// environment: the provider's assume_role block.
type AssumeRole struct {
	// RoleARN of an IAM role in account_id, partition aws:
	// arn:aws:iam::<account_id>:role/<path/><name>. Required.
	RoleARN string `yaml:"role_arn"`
	// SessionName names the session in CloudTrail, 2-64 letters, digits
	// and + = , . @ _ - (STS RoleSessionName). Default: "" (one the AWS SDK makes).
	SessionName string `yaml:"session_name"`
	// ExternalID the role's trust policy requires, 2-1224 letters, digits
	// and + = , . @ : / _ - (STS ExternalId). Default: "" (none sent).
	ExternalID string `yaml:"external_id"`
	// Duration of the assumed role's credentials in seconds, 900-43200
	// (STS DurationSeconds; at most the role's maximum session duration). Default: 3600.
	Duration int `yaml:"duration"`
}

// Network configures the VPC construct.
type Network struct {
	// CIDR is the VPC's IPv4 block, prefix /16 to /24. Required.
	CIDR string `yaml:"cidr"`
	// SubnetNewbits is how many bits each subnet adds to the VPC prefix when
	// subnets are derived. Default: 8 (a /16 VPC gets /24 subnets).
	SubnetNewbits int `yaml:"subnet_newbits"`
	// PublicSubnetCIDRs overrides the derived public subnets, one per AZ. Default: derived.
	PublicSubnetCIDRs []string `yaml:"public_subnet_cidrs"`
	// PrivateSubnetCIDRs overrides the derived private subnets, one per AZ. Default: derived.
	PrivateSubnetCIDRs []string `yaml:"private_subnet_cidrs"`
	// NATMode is none, single or per_az. Default: single.
	NATMode NATMode `yaml:"nat_mode"`
	// FlowLogs sends VPC flow logs to CloudWatch Logs. Default: true.
	FlowLogs bool `yaml:"flow_logs"`
	// FlowLogRetentionDays is the log group retention. Default: 30.
	FlowLogRetentionDays int `yaml:"flow_log_retention_days"`
	// S3GatewayEndpoint adds a free S3 gateway endpoint to the private route tables. Default: true.
	S3GatewayEndpoint bool `yaml:"s3_gateway_endpoint"`
	// InterfaceEndpoints adds interface VPC endpoints for ssm, ssmmessages,
	// ec2messages and logs in every private subnet, with private DNS, behind
	// their own security group that admits HTTPS only from the instances:
	// Session Manager and CloudWatch Logs without a NAT gateway; with
	// observability.logs.enabled also monitoring (CloudWatch metrics, for
	// the agent). Required with nat_mode none. About 7.30 USD a month per
	// endpoint and AZ plus 0.01 USD per GB. Default: false.
	InterfaceEndpoints bool `yaml:"interface_endpoints"`
	// IPv6 makes the VPC dual-stack: an Amazon-provided /56 on the VPC, a
	// /64 per subnet (public subnet i takes /64 number i, private subnet i
	// number 128+i), ::/0 routes to the internet gateway (public) and to an
	// egress-only internet gateway (private: out only), and private
	// subnets that give instances an IPv6 address. Needed by a dual-stack
	// load balancer (alb.ip_address_type). Default: false.
	IPv6 bool `yaml:"ipv6"`
}

// InterfaceEndpointServices are the services network.interface_endpoints
// reaches privately: the three Session Manager needs (SSM agent and
// sessions) and CloudWatch Logs.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
var InterfaceEndpointServices = []string{"ssm", "ssmmessages", "ec2messages", "logs"}

// MonitoringEndpointService is the interface endpoint of CloudWatch's
// metrics API that network.interface_endpoints adds when the CloudWatch
// agent runs (observability.logs.enabled): its PutMetricData without NAT.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-interface-VPC.html
const MonitoringEndpointService = "monitoring"

// Compute configures the compute construct.
type Compute struct {
	// InstanceType is the EC2 instance type. Default: t3.micro.
	InstanceType string `yaml:"instance_type"`
	// AMIID pins an AMI; empty reads AMISSMParameter at plan time. Default: "".
	AMIID string `yaml:"ami_id"`
	// AMISSMParameter is the public SSM parameter holding the AMI ID.
	// Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64.
	AMISSMParameter string `yaml:"ami_ssm_parameter"`
	// AppPort is the port the web app listens on. Default: 8080.
	AppPort int `yaml:"app_port"`
	// HealthPath is the app's health endpoint: "/" then letters, digits,
	// - . _ / : @ + , = and %XX escapes (HealthPathChars; RFC 3986 path
	// characters without those a shell reads), at most 1024. Default: /health.
	HealthPath string `yaml:"health_path"`
	// CPUCredits is the credit option of burstable instance types (families
	// t2, t3, t3a, t4g), written as the launch template's
	// credit_specification: standard (throttled to the baseline once the
	// earned credits are spent; the bill is the hourly price) or unlimited
	// (bursts as long as needed; surplus credits are billed per vCPU-hour,
	// and the cost estimate prices them at the scale-out threshold's CPU).
	// For other families nothing is written (they have no credits), and
	// unlimited is refused; with compute.spot, the types must be all
	// burstable or none. Default: standard.
	CPUCredits CPUCredits `yaml:"cpu_credits"`
	// RootVolumeGiB is the encrypted gp3 root volume size. Default: 8.
	RootVolumeGiB int `yaml:"root_volume_gib"`
	// MinSize of the ASG, 1-100. Default: 2.
	MinSize int `yaml:"min_size"`
	// MaxSize of the ASG, 1-100. Default: 6.
	MaxSize int `yaml:"max_size"`
	// DesiredCapacity of the ASG at creation (later drift is ignored). Default: 2.
	DesiredCapacity int `yaml:"desired_capacity"`
	// HealthCheckGracePeriod in seconds before ELB health checks count, 0-7200. Default: 120.
	HealthCheckGracePeriod int `yaml:"health_check_grace_period"`
	// MinHealthyPercentage kept during an instance refresh, 0-100 (0 replaces
	// all at once); the one minimum of InstanceRefresh. Default: 90.
	MinHealthyPercentage int `yaml:"min_healthy_percentage"`
	// InstanceRefresh is how the group rolls a new launch template (asg mode).
	InstanceRefresh InstanceRefresh `yaml:"instance_refresh"`
	// DefaultInstanceWarmup of the group in seconds, 0-3600: how long a new
	// instance's metrics are left out of the scaling metrics. Absent: not set
	// (AWS then uses each policy's warm-up or the cooldown). A 0 reaches the
	// JSON, but the provider (5.x) sends it only when it changes an existing
	// group: creating one with 0 leaves it unset. Default: absent.
	DefaultInstanceWarmup *int `yaml:"default_instance_warmup"`
	// Notifications sends the group's launch, terminate, launch-error and
	// terminate-error events to the stack's SNS alarm topic (asg mode). Default: true.
	Notifications bool `yaml:"notifications"`
	// TerminationPolicies decide which instances a scale-in terminates first,
	// in order, from TerminationPolicyNames; Default, when listed, must be last.
	// Default: [] (AWS's Default policy).
	TerminationPolicies []string `yaml:"termination_policies"`
	// MaxInstanceLifetime replaces instances older than this many seconds:
	// 0 (never) or 86400-31536000 (1 to 365 days). Default: 0.
	MaxInstanceLifetime int `yaml:"max_instance_lifetime"`
	// DrainSeconds keeps a terminating instance of the group in service of
	// its in-flight work for this long with a termination lifecycle hook
	// (heartbeat timeout, then CONTINUE): 0 (no hook) or 30-7200, and at
	// least alb.deregistration_delay (the load balancer drains the instance
	// meanwhile; a shorter hook would end first and add nothing). Default: 0.
	DrainSeconds int `yaml:"drain_seconds"`
	// Spot runs the group with a mixed instances policy (on-demand base plus
	// Spot) and capacity rebalancing; asg mode only (with compute_mode ec2
	// it is an error). Absent: on-demand only. Default: absent.
	Spot *Spot `yaml:"spot"`
	// WarmPool keeps pre-initialized instances next to the group so a
	// scale-out starts them instead of launching cold (asg mode; not with
	// spot, user_data_file or nat_mode none); see WarmPool. Absent: no warm
	// pool. Default: absent.
	WarmPool *WarmPool `yaml:"warm_pool"`
	// UserDataFile is a regular file inside the environments file's folder,
	// named relative to it (no absolute path, no way out of the folder, no
	// device, pipe, socket or /proc file), whose contents become the
	// instances' user data (at most 16 KB once base64-encoded). Your
	// app must answer 200 on health_path at app_port. Excludes app. Default: ""
	// (the demo app).
	UserDataFile string `yaml:"user_data_file"`
	// App runs one container image with the docker package of Amazon Linux
	// 2023, its port published on app_port. An image in a private Amazon ECR
	// registry of the aws partition is pulled after a registry login, and the
	// instance role may pull that repository only. Excludes user_data_file.
	// Absent: the demo app. Default: absent.
	App *App `yaml:"app"`
	// UserData is the contents of UserDataFile, read by the loader. Not a key of the file.
	UserData string `yaml:"-"`
}

// InstanceRefresh is the group's instance refresh: how a new launch template
// replaces the running instances (Rolling). Its minimum healthy percentage
// is compute.min_healthy_percentage.
type InstanceRefresh struct {
	// AutoRollback rolls back to the previous launch template version when the
	// refresh fails or a gate alarm goes to ALARM. Default: true.
	AutoRollback bool `yaml:"auto_rollback"`
	// SkipMatching leaves instances that already run the new template alone. Default: true.
	SkipMatching bool `yaml:"skip_matching"`
	// GateOnAlarms names the stack's ALB 5xx, unhealthy-hosts and p95-latency
	// alarms in the refresh's alarm specification: one in ALARM fails the
	// refresh (and, with auto_rollback, rolls it back). Default: true.
	GateOnAlarms bool `yaml:"gate_on_alarms"`
	// Checkpoints are percentages of replaced instances, ascending, 1-100, at
	// which the refresh pauses for CheckpointDelay. Default: [] (no pauses).
	Checkpoints []int `yaml:"checkpoints"`
	// CheckpointDelay in seconds at each checkpoint, 0-172800; only with
	// checkpoints. Absent: AWS's 3600. Default: absent.
	CheckpointDelay *int `yaml:"checkpoint_delay"`
	// MaxHealthyPercentage of the desired capacity in service or pending
	// during the refresh, 100-200; at most min_healthy_percentage + 100 (AWS).
	// Above 100 launches replacements before terminating. Default: 100.
	MaxHealthyPercentage int `yaml:"max_healthy_percentage"`
	// InstanceWarmup in seconds, 0-3600, after a new instance is in service
	// before the refresh moves on. Absent: the group's default_instance_warmup,
	// else its health_check_grace_period (AWS). Default: absent.
	InstanceWarmup *int `yaml:"instance_warmup"`
}

// Spot is the group's mixed instances policy.
type Spot struct {
	// OnDemandBaseCapacity is how many instances are always on-demand,
	// 0 to compute.max_size. Default: 0.
	OnDemandBaseCapacity int `yaml:"on_demand_base_capacity"`
	// OnDemandPercentageAboveBase is the on-demand share of the capacity
	// above the base, 0-100 (the rest is Spot). Default: 0.
	OnDemandPercentageAboveBase int `yaml:"on_demand_percentage_above_base"`
	// InstanceTypes the group may launch, 1-40 distinct EC2 instance types
	// (each overrides the launch template's); more types, fewer interruptions. Required.
	InstanceTypes []string `yaml:"instance_types"`
	// AllocationStrategy of the Spot capacity, one of SpotAllocationStrategies.
	// Default: price-capacity-optimized.
	AllocationStrategy SpotAllocationStrategy `yaml:"allocation_strategy"`
}

// App is one container the instances run instead of the demo app.
type App struct {
	// Image is the container image reference, e.g. nginx:stable or
	// 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4. Required.
	Image string `yaml:"image"`
	// Port the container listens on, 1-65535; published on compute.app_port. Required.
	Port int `yaml:"port"`
}

// ALB configures the load balancer construct.
type ALB struct {
	// IngressCIDRs may reach the listeners, IPv4 networks, each once, at most 30. Default: [0.0.0.0/0].
	IngressCIDRs []string `yaml:"ingress_cidrs"`
	// HTTPS adds an HTTPS listener (needs CertificateARN or Domain) and makes
	// HTTP redirect. Default: false; true when Domain is given (false next to
	// a Domain is an error).
	HTTPS bool `yaml:"https"`
	// CertificateARN is an ACM certificate made elsewhere for HTTPS; not
	// together with Domain. Default: "".
	CertificateARN string `yaml:"certificate_arn"`
	// Domain gives the load balancer its own name: an ACM certificate
	// validated by DNS in a Route53 hosted zone, HTTPS on it, and alias
	// records to the load balancer. Default: none.
	Domain *Domain `yaml:"domain"`
	// SSLPolicy for the HTTPS listener, one of ModernTLSPolicies. Default: ELBSecurityPolicy-TLS13-1-2-2021-06.
	SSLPolicy string `yaml:"ssl_policy"`
	// DeletionProtection on the load balancer. Default: false (prod sets true).
	DeletionProtection bool `yaml:"deletion_protection"`
	// IdleTimeout in seconds. Default: 60.
	IdleTimeout int `yaml:"idle_timeout"`
	// DeregistrationDelay in seconds before a draining target is removed, 0-3600. Default: 30.
	DeregistrationDelay int `yaml:"deregistration_delay"`
	// HealthCheck of the target group.
	HealthCheck HealthCheck `yaml:"health_check"`
	// AccessLogs writes access logs to a private, encrypted S3 bucket. Default: true.
	AccessLogs bool `yaml:"access_logs"`
	// AccessLogRetentionDays before access log objects expire, 1-3650 (in
	// the bucket made here; not with AccessLogBucket). Default: 90.
	AccessLogRetentionDays int `yaml:"access_log_retention_days"`
	// AccessLogBucket is the name of an existing S3 bucket, in the load
	// balancer's region, that the access and connection logs go to instead
	// of a bucket made here; its policy must let Elastic Load Balancing
	// write under the prefixes alb/ and alb-connections/ (AWS: Enable access
	// logs for your Application Load Balancer). Needs access_logs or
	// connection_logs. Default: "" (a bucket made here).
	AccessLogBucket string `yaml:"access_log_bucket"`
	// WAF puts a WAFv2 web ACL with AWS managed rule groups (IP reputation,
	// common rules, known bad inputs) in front of the load balancer. Default: true.
	WAF bool `yaml:"waf"`
	// WAFWebACLARN is an existing regional WAFv2 web ACL, in the load
	// balancer's region, associated with the load balancer instead of one
	// made here: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>.
	// Needs waf. Default: "" (a web ACL made here).
	WAFWebACLARN string `yaml:"waf_web_acl_arn"`
	// SlowStart is the target group's slow start in seconds: 0 (off) or
	// 30-900; absent leaves AWS's default (off) unwritten. Default: none.
	SlowStart *int `yaml:"slow_start"`
	// Stickiness of the target group; none unless stickiness.type is set.
	Stickiness Stickiness `yaml:"stickiness"`
	// Algorithm routes requests: round_robin or least_outstanding_requests. Default: round_robin.
	Algorithm LBAlgorithm `yaml:"algorithm"`
	// DesyncMitigationMode of the load balancer against HTTP desync:
	// defensive, strictest or monitor. Default: defensive.
	DesyncMitigationMode DesyncMitigationMode `yaml:"desync_mitigation_mode"`
	// HTTP2 lets clients speak HTTP/2 to the HTTPS listener. Default: true.
	HTTP2 bool `yaml:"http2"`
	// ConnectionLogs writes the load balancer's connection logs to the
	// access-log bucket under their own prefix (the bucket is made for them
	// even with access_logs false). Default: false.
	ConnectionLogs bool `yaml:"connection_logs"`
	// IPAddressType of the load balancer: ipv4, dualstack (IPv4 and IPv6
	// addresses; the listeners admit ::/0 wherever ingress_cidrs admits
	// 0.0.0.0/0, and a domain gets AAAA records beside its A records) or
	// dualstack_without_public_ipv4 (internet-facing over IPv6 only, no
	// public IPv4 addresses to pay for; IPv4-only clients cannot reach it).
	// The dual-stack types need network.ipv6. Default: ipv4.
	IPAddressType IPAddressType `yaml:"ip_address_type"`
}

// Domain is the load balancer's own DNS name in a Route53 public hosted zone.
type Domain struct {
	// Name clients use, e.g. app.example.com (a leading "*." for a wildcard). Required.
	Name string `yaml:"name"`
	// ZoneID of the Route53 public hosted zone holding Name, e.g. Z0123456789ABCDEFGHIJ;
	// exactly one of ZoneID and ZoneName.
	ZoneID string `yaml:"zone_id"`
	// ZoneName of the hosted zone, looked up with a data source, e.g. example.com;
	// exactly one of ZoneID and ZoneName.
	ZoneName string `yaml:"zone_name"`
	// AlternativeNames are extra names on the certificate and alias records,
	// in the same zone, at most 9 (ACM's default quota is 10 names). Default: none.
	AlternativeNames []string `yaml:"alternative_names"`
}

// Names are the domain name and its alternative names, in order.
func (d *Domain) Names() []string { return append([]string{d.Name}, d.AlternativeNames...) }

// Stickiness binds a client to one target with a load balancer cookie.
type Stickiness struct {
	// Type is lb_cookie, or empty for no stickiness. Default: "" (none).
	Type StickinessType `yaml:"type"`
	// Duration of the cookie in seconds, 1-604800 (7 days). Default: 86400.
	Duration int `yaml:"duration"`
}

// HealthCheck is the target group's health check.
type HealthCheck struct {
	// Path requested on each target, with the characters of
	// compute.health_path. Default: the compute health_path (/health).
	Path string `yaml:"path"`
	// Matcher is the HTTP codes that count as healthy. Default: 200.
	Matcher string `yaml:"matcher"`
	// Interval in seconds, 5-300. Default: 15.
	Interval int `yaml:"interval"`
	// Timeout in seconds, 2-120, less than Interval. Default: 5.
	Timeout int `yaml:"timeout"`
	// HealthyThreshold, 2-10. Default: 2.
	HealthyThreshold int `yaml:"healthy_threshold"`
	// UnhealthyThreshold, 2-10. Default: 3.
	UnhealthyThreshold int `yaml:"unhealthy_threshold"`
}

// Scaling configures the scaling construct.
type Scaling struct {
	// Policy is "step" (alarm pair driving step scaling policies),
	// "target_tracking" (one policy on average CPU), "request_count" (one
	// target-tracking policy on ALBRequestCountPerTarget, the requests each
	// instance of the target group receives per minute) or "memory" (one
	// target-tracking policy on the CloudWatch agent's mem_used_percent;
	// needs observability.logs.enabled and the stack's own user data).
	// Default: step.
	Policy ScalingPolicy `yaml:"policy"`
	// Period of the CPU alarms in seconds, a multiple of 60. Default: 60.
	Period int `yaml:"period"`
	// ScaleOut is the high-CPU alarm and its adjustment.
	ScaleOut Rule `yaml:"scale_out"`
	// ScaleIn is the low-CPU alarm and its adjustment.
	ScaleIn Rule `yaml:"scale_in"`
	// WarmupSeconds is the estimated instance warm-up of the step policies, 0-3600. Default: 120.
	WarmupSeconds int `yaml:"warmup_seconds"`
	// TargetCPU is the target of the target-tracking policy, percent. Default: 50.
	TargetCPU float64 `yaml:"target_cpu"`
	// TargetMemory is the target of the memory policy: the group's average
	// mem_used_percent (CWAgent), percent. Default: 70.
	TargetMemory float64 `yaml:"target_memory"`
	// TargetRequestsPerTarget is the target of the request_count policy:
	// requests per minute each in-service instance of the target group
	// receives (ALBRequestCountPerTarget, a one-minute sum), 1-100000.
	// Measure what one instance serves before choosing it. Default: 1000.
	TargetRequestsPerTarget int `yaml:"target_requests_per_target"`
	// Schedules are scheduled actions of the Auto Scaling group (asg mode
	// only), at most 125 (the AWS quota per group), e.g. office hours.
	// Once a group has schedules, they own its min_size and max_size: a
	// deploy does not reset what the last action set (compute.min_size and
	// max_size are the sizes at creation). Default: none.
	Schedules []Schedule `yaml:"schedules"`
	// MaxMinutesToFull is the longest a sustained scale-out breach may take,
	// from min_size, until max_size instances serve (policy rule EWT-SCALE-4,
	// step policies); 0 checks nothing. Default: 0.
	MaxMinutesToFull int `yaml:"max_minutes_to_full"`
	// Predictive adds a predictive scaling policy next to the dynamic one
	// (see Predictive). Absent: none. Default: absent.
	Predictive *Predictive `yaml:"predictive"`
}

// Schedule is one recurring scheduled action (aws_autoscaling_schedule):
// at each time Cron matches in TimeZone, the group gets the sizes given;
// a size left out stays as it is.
type Schedule struct {
	// Name identifies the action within the group, unique, 1-64 letters,
	// digits, '-', '_' or '.'; the action is named <project>-<env>-<name>. Required.
	Name string `yaml:"name"`
	// Cron is the recurrence in Unix cron, 5 fields (minute hour
	// day-of-month month day-of-week), e.g. "0 8 * * 1-5". Required.
	Cron string `yaml:"cron"`
	// TimeZone the cron runs in, an IANA name such as America/New_York
	// (daylight saving time followed). Default: UTC.
	TimeZone string `yaml:"time_zone"`
	// MinSize, MaxSize and DesiredCapacity the action sets, each 1-100 (the
	// range of compute.min_size and max_size) with min <= desired <= max
	// among those given; at least one. Default: unchanged.
	MinSize         *int `yaml:"min_size"`
	MaxSize         *int `yaml:"max_size"`
	DesiredCapacity *int `yaml:"desired_capacity"`
	// Start and End bound the recurrence, RFC 3339 (e.g.
	// 2026-03-01T00:00:00Z), whole seconds, Start before End; AWS refuses a
	// Start in the past when the action is created. Default: unbounded.
	Start string `yaml:"start"`
	End   string `yaml:"end"`
}

// Rule is one CPU alarm with the adjustment it triggers.
type Rule struct {
	// Threshold in percent CPU (0-100). Default: 70 out, 30 in.
	Threshold float64 `yaml:"threshold"`
	// EvaluationPeriods the alarm looks at. Default: 2 out, 5 in.
	EvaluationPeriods int `yaml:"evaluation_periods"`
	// DatapointsToAlarm of those periods that must breach. Default: 2 out, 5 in.
	DatapointsToAlarm int `yaml:"datapoints_to_alarm"`
	// Adjustment in instances: 1 to 100 to scale out, -1 to -100 to scale in. Default: +1 / -1.
	Adjustment int `yaml:"adjustment"`
	// Steps replace Adjustment on scale_out with several CPU intervals, each
	// adding more instances the larger the breach (see StepInterval): the
	// first from threshold, contiguous, the last without an upper bound, at
	// most 20 (AWS). scale_out only. Default: none (one step of Adjustment).
	Steps []StepInterval `yaml:"steps"`
}

// Observability configures the observability construct.
type Observability struct {
	// AlarmEmail subscribes an address to the alarm topic. Default: "" (no subscription).
	AlarmEmail string `yaml:"alarm_email"`
	// ALB5xxThreshold is the count of ELB 5xx responses per minute that alarms. Default: 10.
	ALB5xxThreshold int `yaml:"alb_5xx_threshold"`
	// UnhealthyHostMinutes is how long UnHealthyHostCount > 0 lasts before alarming. Default: 3.
	UnhealthyHostMinutes int `yaml:"unhealthy_host_minutes"`
	// LatencyP95Seconds is the p95 target response time that alarms. Default: 1.
	LatencyP95Seconds float64 `yaml:"latency_p95_seconds"`
	// Logs runs the CloudWatch agent on the instances: app and system logs
	// to CloudWatch Logs, memory and disk to CloudWatch metrics.
	Logs Logs `yaml:"logs"`
}

// Logs configures the CloudWatch agent the instances run (the
// amazon-cloudwatch-agent package of Amazon Linux 2023, installed by the
// stack's user data): the app's journal to the log group /<project>-<env>/app,
// the whole system journal to /<project>-<env>/system, both encrypted with
// the environment's KMS key; mem_used_percent and disk_used_percent (of /)
// in the CWAgent namespace with the group's AutoScalingGroupName (or the
// instance's InstanceId); a memory alarm, a metric filter counting the app's
// error lines, and dashboard widgets. With compute.user_data_file the user
// data is yours: the log groups, permissions, alarm and widgets are made,
// but nothing ships unless your script runs the agent.
type Logs struct {
	// Enabled runs the agent and makes its log groups. Default: true.
	Enabled bool `yaml:"enabled"`
	// RetentionDays of both log groups, one of the retentions CloudWatch
	// Logs accepts (LogRetentionDays). Default: 30.
	RetentionDays int `yaml:"retention_days"`
	// MemoryAlarmPercent is the average mem_used_percent that alarms after
	// 5 minutes above it, 1-100. Default: 90.
	MemoryAlarmPercent float64 `yaml:"memory_alarm_percent"`
}

// Backend is the S3 remote state backend.
type Backend struct {
	// Bucket holding the state. Required.
	Bucket string `yaml:"bucket"`
	// Key of the state object. Default: <project>/<env>/terraform.tfstate.
	Key string `yaml:"key"`
	// Region of the bucket. Default: the environment's region.
	Region string `yaml:"region"`
	// Encrypt the state object server-side; must stay true. Default: true.
	Encrypt bool `yaml:"encrypt"`
	// UseLockfile locks state with an S3 lock file; must stay true. Default: true.
	UseLockfile bool `yaml:"use_lockfile"`
}

// Suppression silences one policy rule on one resource.
type Suppression struct {
	// Rule is the policy rule ID, e.g. EWT-ALB-1.
	Rule string `yaml:"rule"`
	// Resource is the construct path (e.g. prod/alb/lb) or Terraform address.
	Resource string `yaml:"resource"`
	// Reason says why the rule does not apply. Required.
	Reason string `yaml:"reason"`
}

// Builtin returns the built-in defaults every environment starts from.
func Builtin() Environment {
	return Environment{
		ComputeMode: ComputeASG,
		Network: Network{
			SubnetNewbits:        8,
			NATMode:              NATSingle,
			FlowLogs:             true,
			FlowLogRetentionDays: 30,
			S3GatewayEndpoint:    true,
		},
		Compute: Compute{
			InstanceType:           "t3.micro",
			CPUCredits:             CPUCreditsStandard,
			AMISSMParameter:        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
			AppPort:                8080,
			HealthPath:             "/health",
			RootVolumeGiB:          8,
			MinSize:                2,
			MaxSize:                6,
			DesiredCapacity:        2,
			HealthCheckGracePeriod: 120,
			MinHealthyPercentage:   90,
			InstanceRefresh: InstanceRefresh{
				AutoRollback:         true,
				SkipMatching:         true,
				GateOnAlarms:         true,
				MaxHealthyPercentage: 100,
			},
			Notifications: true,
		},
		ALB: ALB{
			IngressCIDRs:           []string{"0.0.0.0/0"},
			SSLPolicy:              ModernTLSPolicies[0],
			IdleTimeout:            60,
			DeregistrationDelay:    30,
			AccessLogs:             true,
			AccessLogRetentionDays: 90,
			WAF:                    true,
			Stickiness:             Stickiness{Duration: 86400},
			Algorithm:              AlgorithmRoundRobin,
			DesyncMitigationMode:   DesyncDefensive,
			HTTP2:                  true,
			IPAddressType:          IPAddressIPv4,
			HealthCheck: HealthCheck{
				Matcher:            "200",
				Interval:           15,
				Timeout:            5,
				HealthyThreshold:   2,
				UnhealthyThreshold: 3,
			},
		},
		Scaling: Scaling{
			Policy:        PolicyStep,
			Period:        60,
			ScaleOut:      Rule{Threshold: 70, EvaluationPeriods: 2, DatapointsToAlarm: 2, Adjustment: 1},
			ScaleIn:       Rule{Threshold: 30, EvaluationPeriods: 5, DatapointsToAlarm: 5, Adjustment: -1},
			WarmupSeconds: 120,
			TargetCPU:     50,
			TargetMemory:  70,
			// Per instance and minute; about 17 requests/s.
			TargetRequestsPerTarget: 1000,
		},
		Observability: Observability{
			ALB5xxThreshold:      10,
			UnhealthyHostMinutes: 3,
			LatencyP95Seconds:    1,
			Logs:                 Logs{Enabled: true, RetentionDays: 30, MemoryAlarmPercent: 90},
		},
	}
}

// DefaultProject is the project name when the file names none.
const DefaultProject = "webtier"

// DefaultNetwork returns the built-in network settings (Builtin's): CIDR
// is required and left empty.
func DefaultNetwork() Network { return Builtin().Network }

// DefaultCompute returns the built-in compute settings (Builtin's).
func DefaultCompute() Compute { return Builtin().Compute }

// DefaultALB returns the built-in load balancer settings (Builtin's), with
// the health check path derived from the built-in compute.health_path as
// ApplyDerivedDefaults derives it.
func DefaultALB() ALB {
	e := Builtin()
	e.ApplyDerivedDefaults(DefaultProject)
	return e.ALB
}

// DefaultScaling returns the built-in scaling settings (Builtin's).
func DefaultScaling() Scaling { return Builtin().Scaling }

// DefaultObservability returns the built-in observability settings (Builtin's).
func DefaultObservability() Observability { return Builtin().Observability }

// DefaultBackend returns the settings a backend block starts from.
func DefaultBackend() Backend { return Backend{Encrypt: true, UseLockfile: true} }

// DefaultAssumeRole returns the settings an assume_role block starts from.
func DefaultAssumeRole() AssumeRole { return AssumeRole{Duration: 3600} }

// DefaultSpot returns the settings a compute.spot block starts from.
func DefaultSpot() Spot { return Spot{AllocationStrategy: SpotPriceCapacityOptimized} }

// The default tags the stack puts on every resource besides the
// environment's own tags (which may not use these keys).
const (
	TagProject     = "project"
	TagEnvironment = "environment"
	TagManagedBy   = "managed-by"
)

// DefaultTags are the provider default tags of environment e: its tags and
// the project, environment and managed-by tags.
func (f *File) DefaultTags(e *Environment) map[string]string { return e.DefaultTags(f.Project) }

// DefaultTags are the provider default tags of e in project: its tags and
// the project, environment and managed-by tags.
func (e *Environment) DefaultTags(project string) map[string]string {
	tags := make(map[string]string, len(e.Tags)+3)
	for k, v := range e.Tags {
		tags[k] = v
	}
	tags[TagProject], tags[TagEnvironment], tags[TagManagedBy] = project, e.Name, "cdktf"
	return tags
}

// NamePrefix is the prefix of named resources: <project>-<env>.
func (f *File) NamePrefix(e *Environment) string { return e.NamePrefix(f.Project) }

// NamePrefix is the prefix of e's named resources in project: <project>-<env>.
func (e *Environment) NamePrefix(project string) string { return project + "-" + e.Name }

// TargetGroupNamePrefix is the target group's name prefix: AWS allows at
// most 6 characters, so the environment name is cut to 5 and ends in "-".
func (e *Environment) TargetGroupNamePrefix() string {
	name := e.Name
	if len(name) > 5 {
		name = name[:5]
	}
	return name + "-"
}

// SubnetCIDRs returns the public and private subnet blocks for azs
// availability zones: the explicit lists when given, else derived with
// go-cidr: public subnet i is netnum i, private subnet i is netnum
// 2^(newbits-1)+i (the upper half). Validation calls it, so for a loaded
// file it does not fail.
func (n Network) SubnetCIDRs(azs int) (public, private []string, err error) {
	if len(n.PublicSubnetCIDRs) > 0 || len(n.PrivateSubnetCIDRs) > 0 {
		return n.PublicSubnetCIDRs, n.PrivateSubnetCIDRs, nil
	}
	_, base, err := net.ParseCIDR(n.CIDR)
	if err != nil {
		return nil, nil, err
	}
	ones, _ := base.Mask.Size()
	if n.SubnetNewbits < 1 || ones+n.SubnetNewbits > 28 {
		return nil, nil, fmt.Errorf("subnet_newbits (%d) must be 1 to %d for %s", n.SubnetNewbits, 28-ones, n.CIDR)
	}
	half := 1 << (n.SubnetNewbits - 1)
	if azs > half {
		return nil, nil, fmt.Errorf("subnet_newbits (%d) leaves room for %d subnets per tier, want %d", n.SubnetNewbits, half, azs)
	}
	for i := 0; i < azs; i++ {
		pub, err := cidr.Subnet(base, n.SubnetNewbits, i)
		if err != nil {
			return nil, nil, err
		}
		priv, err := cidr.Subnet(base, n.SubnetNewbits, half+i)
		if err != nil {
			return nil, nil, err
		}
		public = append(public, pub.String())
		private = append(private, priv.String())
	}
	return public, private, nil
}
