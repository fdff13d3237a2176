"""Start moto's server with the few changes that make it answer like AWS.

The e2e harness (internal/e2e) runs this file instead of `moto_server`:

    python3 shim.py --host 127.0.0.1 --port PORT

Each function below restores one AWS behaviour that moto 5.2.1 lacks or gets
wrong, found by deploying the project's stacks against it: a missing call
(the provider then retries for ever), a wrong state name (a waiter spins until
its timeout) or a read-back that differs from what was written (the next
`terraform plan` is not empty). Each quotes the AWS documentation it follows.
The stacks are never bent to the emulator; the emulator is bent to AWS.

Every patch is checked at start: when the moto version in use no longer has
the function a patch wraps, the shim stops with a message naming it, instead of
silently answering unlike AWS.
"""

import argparse
import datetime
import functools
import os
import sys

MOTO_VERSION = "5.2.1"


def fail(msg):
    sys.stderr.write("motoshim: %s\n" % msg)
    sys.exit(3)


try:
    import moto
except ImportError as exc:  # pragma: no cover - checked by the harness first
    fail("moto is not installed (%s): the e2e harness needs moto %s (`pip install 'moto[server]==%s'`)"
         % (exc, MOTO_VERSION, MOTO_VERSION))

if moto.__version__ != MOTO_VERSION:
    sys.stderr.write("motoshim: warning: moto %s, the shims were written for %s\n" % (moto.__version__, MOTO_VERSION))

# AWS has the managed policies; moto loads them only when asked (the stacks
# attach none; the harness's own test attaches AmazonSSMManagedInstanceCore to
# show that the instance role check catches it). Must be set before moto.iam loads.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.acm import models as acm_models  # noqa: E402
from moto.autoscaling import models as asg_models  # noqa: E402
from moto.autoscaling import responses as asg_responses  # noqa: E402
from moto.core.responses import ActionResult, EmptyResult  # noqa: E402
from moto.ec2.models import elastic_block_store as ec2_ebs  # noqa: E402
from moto.ec2.models import instances as ec2_instances  # noqa: E402
from moto.ec2.models import launch_templates as ec2_lt  # noqa: E402
from moto.ec2.models import security_groups as ec2_sg  # noqa: E402
from moto.ec2.models import vpcs as ec2_vpcs  # noqa: E402
from moto.ec2.responses import monitoring as ec2_monitoring  # noqa: E402
from moto.elbv2 import models as elbv2_models  # noqa: E402

PATCHES = []


def patch(owner, name):
    """Replace owner.name with the decorated function (which gets the original first)."""

    def deco(fn):
        orig = getattr(owner, name, None)
        if orig is None:
            fail("%s.%s is missing in moto %s: the shim %s needs updating"
                 % (owner.__name__, name, moto.__version__, fn.__name__))

        @functools.wraps(orig)
        def wrapper(*args, **kwargs):
            return fn(orig, *args, **kwargs)

        setattr(owner, name, wrapper)
        PATCHES.append(fn.__name__)
        return fn

    return deco


# --- EC2 -------------------------------------------------------------------

MONITOR_XML = """<{op}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <instancesSet>{items}</instancesSet>
</{op}Response>"""
MONITOR_ITEM = "<item><instanceId>{id}</instanceId><monitoring><state>{state}</state></monitoring></item>"


def _set_monitoring(self, op, state, transient):
    ids = self._get_param("InstanceIds", [])
    self.error_on_dryrun()
    items = []
    for instance in self.ec2_backend.get_multi_instances_by_id(ids):
        instance.monitoring_state = state
        items.append(MONITOR_ITEM.format(id=instance.id, state=transient))
    return MONITOR_XML.format(op=op, items="".join(items))


@patch(ec2_monitoring.Monitoring, "monitor_instances")
def monitor_instances(orig, self):
    """EC2 MonitorInstances: "Enables detailed monitoring for a running instance."
    The response lists each instance with its monitoring state ("pending"), and
    DescribeInstances then reports Monitoring.State "enabled".
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_MonitorInstances.html
    (moto raises NotImplementedError; the provider retries it until its timeout.)"""
    return _set_monitoring(self, "MonitorInstances", "enabled", "pending")


@patch(ec2_monitoring.Monitoring, "unmonitor_instances")
def unmonitor_instances(orig, self):
    """EC2 UnmonitorInstances: "Disables detailed monitoring for a running instance."
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UnmonitorInstances.html"""
    return _set_monitoring(self, "UnmonitorInstances", "disabled", "disabling")


@patch(ec2_vpcs.VPCBackend, "delete_vpc_endpoints")
def delete_vpc_endpoints(orig, self, vpce_ids=None):
    """EC2 DeleteVpcEndpoints: a deleted endpoint goes away; describing it by ID
    then fails with InvalidVpcEndpointId.NotFound, which is what the provider's
    delete waiter waits for.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html
    (moto keeps it with state "deleted", which the provider does not take for
    gone: it compares with the API's enum value "Deleted", so it waits 10 minutes.)"""
    orig(self, vpce_ids)
    for vpce_id in vpce_ids or []:
        self.vpc_end_points.pop(vpce_id, None)


def _check_rule_ids(self, group_name_or_id, kwargs, egress):
    """Fail with InvalidSecurityGroupRuleId.NotFound for the first of the
    call's SecurityGroupRuleIds that the group does not hold."""
    group = self.get_security_group_by_name_or_id(group_name_or_id, kwargs.get("vpc_id"))
    if group is None:
        return  # moto's own InvalidGroup.NotFound
    held = {rule.id for rule in (group.egress_rules if egress else group.ingress_rules)}
    for rid in kwargs.get("security_rule_ids") or []:
        if rid not in held:
            from moto.ec2.exceptions import InvalidSecurityGroupRuleIdNotFoundError
            raise InvalidSecurityGroupRuleIdNotFoundError(rid)


@patch(ec2_sg.SecurityGroupBackend, "revoke_security_group_ingress")
def revoke_security_group_ingress(orig, self, group_name_or_id, *args, **kwargs):
    """EC2 RevokeSecurityGroupIngress by SecurityGroupRuleIds: a rule ID the
    group does not hold fails with InvalidSecurityGroupRuleId.NotFound ("the
    specified security group rule does not exist"), which the provider takes
    for already deleted.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
    (moto answers InvalidPermission.NotFound, the code for a rule given by its
    values. When the emulator dropped the connection after revoking a rule, the
    SDK's own retry of the call then failed a destroy that AWS lets finish.)"""
    _check_rule_ids(self, group_name_or_id, kwargs, egress=False)
    return orig(self, group_name_or_id, *args, **kwargs)


@patch(ec2_sg.SecurityGroupBackend, "revoke_security_group_egress")
def revoke_security_group_egress(orig, self, group_name_or_id, *args, **kwargs):
    """EC2 RevokeSecurityGroupEgress by SecurityGroupRuleIds: as
    revoke_security_group_ingress."""
    _check_rule_ids(self, group_name_or_id, kwargs, egress=True)
    return orig(self, group_name_or_id, *args, **kwargs)


def _rule_description(self):
    """EC2 DescribeSecurityGroupRules: SecurityGroupRule.Description is "the
    security group rule description", whatever the rule refers to: a CIDR, a
    prefix list or another security group.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html
    (moto reads the description only from a CIDR range, so a rule that
    references a group comes back without it and every plan updates it.)"""
    return (self.ip_range.get("Description")
            or (self.source_group or {}).get("Description"))


if not isinstance(getattr(ec2_sg.SecurityGroupRule, "description", None), property):
    fail("SecurityGroupRule.description is no longer a property in moto %s: the shim rule_description needs updating" % moto.__version__)
ec2_sg.SecurityGroupRule.description = property(_rule_description)
PATCHES.append("rule_description")


@patch(ec2_lt.LaunchTemplateVersion, "__init__")
def launch_template_version(orig, self, template, number, data, description):
    """EC2 CreateLaunchTemplate: the request's TagSpecifications tag the launch
    template itself ("To tag the launch template, the resource type must be
    launch-template"); they are not part of the template's data, which holds
    only the tag specifications for the instances and volumes it launches.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html
    (moto copies them into LaunchTemplateData, so the provider reads back a
    launch-template tag specification it never wrote and plans a new version.)"""
    # CreateLaunchTemplateVersion: "UserData: The user data ... base64-encoded",
    # as for CreateLaunchTemplate (moto decodes it only there, so a group
    # launching from a new version fails an assertion and never scales).
    # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RequestLaunchTemplateData.html
    from moto.core.types import Base64EncodedString
    from moto.ec2.utils import parse_user_data

    if data.get("UserData") is not None and not isinstance(data["UserData"], Base64EncodedString):
        data["UserData"] = parse_user_data(data["UserData"])
    specs = data.get("TagSpecifications")
    if specs:
        data["TagSpecifications"] = [t for t in specs if t.get("ResourceType") != "launch-template"]
        if not data["TagSpecifications"]:
            del data["TagSpecifications"]
    orig(self, template, number, data, description)


@patch(ec2_instances.InstanceBackend, "run_instances")
def run_instances_from_template(orig, self, image_id, count, user_data, security_group_names, **kwargs):
    """EC2 RunInstances with a launch template: "Any additional parameters that
    you specify for the new instance override the corresponding parameters
    included in the launch template"; what the request leaves out, the template
    gives: here its metadata options (IMDSv2) and detailed monitoring.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html
    (moto takes only a few fields from the template, so instances that an Auto
    Scaling group launches from a template requiring IMDSv2 come up with
    HttpTokens optional.)"""
    if kwargs.get("launch_template"):
        data = self._get_template_from_args(kwargs["launch_template"]).data
        if not kwargs.get("metadata_options") and data.get("MetadataOptions"):
            kwargs["metadata_options"] = data["MetadataOptions"]
        enabled = (data.get("Monitoring") or {}).get("Enabled")
        if kwargs.get("monitoring_state") in (None, "disabled") and str(enabled).lower() == "true":
            kwargs["monitoring_state"] = "enabled"
    return orig(self, image_id, count, user_data, security_group_names, **kwargs)


def instance_nic_association():
    """EC2 DescribeInstances / RunInstances: InstanceNetworkInterface.Association
    is "the association information for an Elastic IPv4 associated with the
    network interface", present only when the interface has a public IP.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceNetworkInterface.html
    (moto sends an empty Association for every interface; the provider takes
    any Association for associate_public_ip_address = true and replaces a
    private instance on every plan.) moto already drops the empty block in
    DescribeNetworkInterfaces; this does the same inside instances."""
    from moto.core.serialize import return_if_not_empty
    from moto.ec2.responses._base_response import EC2BaseResponse

    table = EC2BaseResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER
    for path in ("Instance.NetworkInterfaces.InstanceNetworkInterface.Association",
                 "InstanceNetworkInterface.PrivateIpAddresses.InstancePrivateIpAddress.Association"):
        if path in table:
            fail("moto %s already transforms %s: the shim instance_nic_association needs updating" % (moto.__version__, path))
        table[path] = return_if_not_empty
    PATCHES.append("instance_nic_association")


instance_nic_association()


@patch(ec2_ebs.EBSBackend, "_create_default_encryption_key")
def ebs_default_key(orig, self):
    """KMS: the key that protects EBS volumes when none is named (alias
    aws/ebs) is an AWS managed key, "created, managed, and used on your behalf
    by an AWS service": DescribeKey reports KeyManager AWS, and it is not
    deleted with the stack that first encrypted a volume.
    https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
    https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html
    (moto creates it as a customer managed key, so it looks like a key the
    stack made and left behind.)"""
    arn = orig(self)
    from moto.kms import kms_backends

    kms_backends[self.account_id][self.region_name].describe_key(arn).key_manager = "AWS"
    return arn


# --- Elastic Load Balancing v2 ---------------------------------------------

@patch(elbv2_models.ELBv2Backend, "delete_load_balancer")
def delete_load_balancer(orig, self, arn):
    """ELBv2 DeleteLoadBalancer: "If deletion protection is enabled, the load
    balancer cannot be deleted" (OperationNotPermitted).
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html
    (moto deletes it anyway, so a destroy that would fail on AWS passes.)"""
    lb = self.load_balancers.get(arn)
    if lb is not None and str(lb.attrs.get("deletion_protection.enabled", "false")).lower() == "true":
        from moto.elbv2.exceptions import ELBClientError

        raise ELBClientError(
            "OperationNotPermitted",
            "Load balancer '%s' cannot be deleted because deletion protection is enabled" % arn,
        )
    return orig(self, arn)


# --- Certificate Manager ---------------------------------------------------

def _record_name(name):
    return name.rstrip(".").lower()


@patch(acm_models.CertBundle, "check")
def acm_dns_validation(orig, self):
    """ACM DNS validation: "ACM provides you with one or more CNAME records
    that must be added to this database. ... After you create the DNS record,
    ... ACM automatically validates ... and the certificate status changes to
    Issued"; until the records are found the status stays Pending validation.
    https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
    (moto issues every requested certificate 60 seconds after the request,
    records or not, so a stack writing wrong validation records would pass.)
    A pending certificate is issued once every validation CNAME, name and
    value, is in a Route53 hosted zone of the account."""
    if not (self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION"):
        return orig(self)
    from moto.route53.models import route53_backends

    account, partition = self.arn.split(":")[4], self.arn.split(":")[1]
    found = set()
    for zone in route53_backends[account][partition].zones.values():
        for rr in zone.rrsets:
            if rr.type == "CNAME":
                for value in rr.records:
                    found.add((_record_name(rr.name), _record_name(value)))
    options = self.describe()["Certificate"].get("DomainValidationOptions", [])
    wanted = {(_record_name(o["ResourceRecord"]["Name"]), _record_name(o["ResourceRecord"]["Value"])) for o in options}
    if wanted and wanted <= found:
        self.status = "ISSUED"


# --- Auto Scaling ------------------------------------------------------------

@patch(asg_models.FakeScalingPolicy, "__init__")
def scaling_policy_init(orig, self, *args, **kwargs):
    """Auto Scaling PutScalingPolicy / DescribePolicies: Enabled "Indicates
    whether the scaling policy is enabled or disabled. The default is enabled."
    PredictiveScalingConfiguration is only part of predictive policies.
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_ScalingPolicy.html
    (moto answers Enabled=false and an empty predictive block for every policy.)"""
    orig(self, *args, **kwargs)
    self.enabled = True
    if self.policy_type != "PredictiveScaling":
        self.predictive_scaling_configuration = None


def _group_settings(response):
    """Keep MaxInstanceLifetime and DefaultInstanceWarmup of a Create/Update
    call on the group, when the call gives them (an update without them keeps
    the group's)."""
    group = response.autoscaling_backend.autoscaling_groups.get(response._get_param("AutoScalingGroupName"))
    if group is None:
        return
    for param, attr in (("MaxInstanceLifetime", "max_instance_lifetime"), ("DefaultInstanceWarmup", "default_instance_warmup")):
        value = response._get_int_param(param)
        if value is not None:
            setattr(group, attr, value)


@patch(asg_responses.AutoScalingResponse, "create_auto_scaling_group")
def create_auto_scaling_group(orig, self):
    """Auto Scaling CreateAutoScalingGroup: the group keeps MaxInstanceLifetime
    and DefaultInstanceWarmup, and DescribeAutoScalingGroups answers them.
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AutoScalingGroup.html
    (moto drops both, so every plan sets them again.)"""
    result = orig(self)
    _group_settings(self)
    return result


@patch(asg_responses.AutoScalingResponse, "update_auto_scaling_group")
def update_auto_scaling_group(orig, self):
    """Auto Scaling UpdateAutoScalingGroup: as create_auto_scaling_group."""
    result = orig(self)
    _group_settings(self)
    return result


@patch(asg_responses.AutoScalingResponse, "put_lifecycle_hook")
def put_lifecycle_hook(orig, self):
    """Auto Scaling PutLifecycleHook: the hook has the RoleARN,
    NotificationTargetARN and NotificationMetadata it was given, and none
    when given none (a hook that only waits needs neither).
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LifecycleHook.html
    (moto answers a fixed role and SQS queue for every hook, so every plan
    removes them.)"""
    result = orig(self)
    hook = self.autoscaling_backend.lifecycle_hooks.get(
        "%s_%s" % (self._get_param("AutoScalingGroupName"), self._get_param("LifecycleHookName")))
    if hook is not None:
        hook.role_arn = self._get_param("RoleARN")
        hook.notification_target_arn = self._get_param("NotificationTargetARN")
        hook.notification_metadata = self._get_param("NotificationMetadata")
    return result


@patch(asg_responses.AutoScalingResponse, "put_scaling_policy")
def put_scaling_policy(orig, self):
    """Keeps the Enabled flag the request sets (see scaling_policy_init), and
    answers with the policy's ARN: PutScalingPolicy returns "PolicyARN: The
    Amazon Resource Name (ARN) of the policy."
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html
    (moto names the field PolicyArn, which the response serializer drops.)"""
    orig(self)
    enabled = self._get_param("Enabled")
    name = self._get_param("PolicyName")
    policy = self.autoscaling_backend.policies.get(name)
    if policy is not None and enabled is not None:
        policy.enabled = str(enabled).lower() == "true"
    return ActionResult({"PolicyARN": policy.arn, "Alarms": []})


def _step_adjustment(policy, metric_value, breach_threshold):
    """The ScalingAdjustment of the step whose interval holds metric - threshold.
    "The lower bound is inclusive and the upper bound exclusive; a null bound is
    infinity." https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StepAdjustment.html"""
    delta = metric_value - breach_threshold
    for step in policy.step_adjustments or []:
        lower = step.get("MetricIntervalLowerBound")
        upper = step.get("MetricIntervalUpperBound")
        if (lower is None or delta >= float(lower)) and (upper is None or delta < float(upper)):
            return int(step["ScalingAdjustment"])
    return None


@patch(asg_responses.AutoScalingResponse, "execute_policy")
def execute_policy(orig, self):
    """Auto Scaling ExecutePolicy: for a step scaling policy, MetricValue and
    BreachThreshold are required, and the adjustment is that of the step whose
    bounds hold MetricValue - BreachThreshold ("required if the policy type is
    StepScaling and not supported otherwise").
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_ExecutePolicy.html
    PolicyName is "the name or ARN of the policy".
    (moto only knows simple scaling: on a step policy it crashes.)"""
    from moto.autoscaling.exceptions import ValidationError

    name = self._get_param("PolicyName")
    backend = self.autoscaling_backend
    policy = backend.policies.get(name)
    if policy is None:
        policy = next((p for p in backend.policies.values() if p.arn == name), None)
    if policy is None:
        raise ValidationError("No scaling policy found for %s" % name)
    if policy.policy_type != "StepScaling":
        backend.execute_policy(policy.name)
        return EmptyResult()
    metric = self._get_param("MetricValue")
    threshold = self._get_param("BreachThreshold")
    if metric is None or threshold is None:
        raise ValidationError("MetricValue and BreachThreshold are required for step scaling policies")
    adjustment = _step_adjustment(policy, float(metric), float(threshold))
    if adjustment is None:
        raise ValidationError("No step adjustment found for metric value %s" % metric)
    group = backend.autoscaling_groups[policy.auto_scaling_group_name]
    if policy.adjustment_type == "ExactCapacity":
        desired = adjustment
    elif policy.adjustment_type == "PercentChangeInCapacity":
        desired = group.desired_capacity + int(group.desired_capacity * adjustment / 100.0)
    else:
        desired = group.desired_capacity + adjustment
    # "Amazon EC2 Auto Scaling ... keeps the group between its minimum and
    # maximum size." https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
    desired = max(group.min_size, min(group.max_size, desired))
    cause = "a user request executed policy %s changing the desired capacity from %d to %d" % (
        policy.name, group.desired_capacity, desired)
    _with_cause(group, cause, lambda: backend.set_desired_capacity(group.name, desired))
    return EmptyResult()


def _with_cause(group, cause, fn):
    group._shim_cause = cause
    try:
        fn()
    finally:
        group._shim_cause = None


@patch(asg_models.FakeAutoScalingGroup, "set_desired_capacity")
def group_set_desired_capacity(orig, self, new_capacity):
    """Auto Scaling DescribeScalingActivities: every launch and termination the
    group makes is an activity ("Launching a new EC2 instance: i-...",
    "Terminating EC2 instance: i-...") with its cause, newest first.
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeScalingActivities.html
    (moto records no activities and always answers an empty list.)"""
    # Also called from the group's constructor, before these exist.
    before = {s.instance.id for s in getattr(self, "instance_states", [])}
    old = getattr(self, "desired_capacity", 0)
    orig(self, new_capacity)
    after = {s.instance.id for s in self.instance_states}
    now = datetime.datetime.now(datetime.timezone.utc)
    cause = getattr(self, "_shim_cause", None) or (
        "an instance was started in response to a difference between desired and actual capacity, "
        "changing the capacity from %s to %s" % (old, self.desired_capacity))
    stamp = now.strftime("At %Y-%m-%dT%H:%M:%SZ ")
    acts = getattr(self, "_shim_activities", [])
    for iid in sorted(after - before):
        acts.append(asg_models.Activity("Launching a new EC2 instance: %s" % iid, stamp + cause, self,
                                        start_time=now, end_time=now, status_code="Successful"))
    for iid in sorted(before - after):
        acts.append(asg_models.Activity("Terminating EC2 instance: %s" % iid, stamp + cause, self,
                                        start_time=now, end_time=now, status_code="Successful"))
    for a in acts:
        a.progress = 100
    self._shim_activities = acts


@patch(asg_responses.AutoScalingResponse, "describe_scaling_activities")
def describe_scaling_activities(orig, self):
    """See group_set_desired_capacity."""
    name = self._get_param("AutoScalingGroupName")
    ids = set(self._get_param("ActivityIds", []) or [])
    acts = []
    for group in self.autoscaling_backend.autoscaling_groups.values():
        if name and group.name != name:
            continue
        acts.extend(getattr(group, "_shim_activities", []))
    if ids:
        acts = [a for a in acts if a.activity_id in ids]
    acts.sort(key=lambda a: a.start_time, reverse=True)
    return ActionResult({"Activities": acts})


def _group_version(group):
    """The number of the template version the group launches from."""
    if group.ec2_launch_template is None:
        return None
    return str(group.ec2_launch_template.get_version(group.launch_template_version).number)


@patch(asg_models.FakeAutoScalingGroup, "replace_autoscaling_group_instances")
def group_launch_version(orig, self, count_needed, propagated_tags):
    """EC2 Auto Scaling launches from the group's launch template version, and
    the instance records it: DescribeAutoScalingGroups' Instance.LaunchTemplate
    is "The launch template for the instance", and EC2 tags the instance
    aws:ec2launchtemplate:version with the version it was launched from.
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Instance.html
    (moto launches from the group's version but tags the template's default
    version, and answers the template's default version for every instance:
    an instance refresh could not be told from its result.)"""
    before = {s.instance.id for s in self.instance_states}
    orig(self, count_needed, propagated_tags)
    version = _group_version(self)
    if version is None:
        return
    for st in self.instance_states:
        if st.instance.id not in before:
            self.autoscaling_backend.ec2_backend.create_tags([st.instance.id], {"aws:ec2launchtemplate:version": version})
            st._shim_version = version


def instance_state_launch_template(self):
    """See group_launch_version."""
    group = self.auto_scaling_group
    if group is None or group.ec2_launch_template is None:
        return None
    version = getattr(self, "_shim_version", None) or _group_version(group)
    return {"LaunchTemplateId": group.ec2_launch_template.id, "LaunchTemplateName": group.ec2_launch_template.name,
            "Version": version}


if not isinstance(getattr(asg_models.InstanceState, "launch_template", None), property):
    fail("moto %s: InstanceState.launch_template is no longer a property: the shim needs updating" % moto.__version__)
asg_models.InstanceState.launch_template = property(instance_state_launch_template)
PATCHES.append("instance_state_launch_template")


# Instance refresh: a refresh advances one tick on each DescribeInstanceRefreshes
# of its group (the emulator has no clock of its own; the rollout command
# polls, and tests get the same steps every run). A tick is one batch of
# replacements, or one warm-up or checkpoint wait (whatever its length in
# seconds), and the gate alarms are read on every tick.
ACTIVE = ("Pending", "InProgress", "RollbackInProgress", "Cancelling")


def _truthy(v):
    return v is True or str(v).lower() == "true"


def _int(v, default):
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def _spec_of(cfg):
    """(template id, version) of a LaunchTemplate / MixedInstancesPolicy configuration."""
    if not cfg:
        return None
    lt = cfg.get("LaunchTemplate")
    if not lt and cfg.get("MixedInstancesPolicy"):
        lt = (cfg["MixedInstancesPolicy"].get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    if not lt:
        return None
    return lt.get("LaunchTemplateId") or lt.get("LaunchTemplateName"), str(lt.get("Version") or "$Default")


def _saved_config(group):
    """The configuration saved on the group, as a DesiredConfiguration."""
    if group.ec2_launch_template is None:
        return None
    spec = {"LaunchTemplateId": group.ec2_launch_template.id, "Version": str(group.launch_template_version)}
    if group.mixed_instances_policy:
        import copy

        policy = copy.deepcopy(group.mixed_instances_policy)
        policy["LaunchTemplate"]["LaunchTemplateSpecification"] = spec
        return {"MixedInstancesPolicy": policy}
    return {"LaunchTemplate": spec}


def _set_config(group, cfg):
    """Make cfg (a DesiredConfiguration) the group's launch template."""
    tid, version = _spec_of(cfg)
    ec2 = group.autoscaling_backend.ec2_backend
    group.ec2_launch_template = ec2.get_launch_template(tid) if tid.startswith("lt-") else ec2.get_launch_template_by_name(tid)
    group.launch_template_version = version
    if hasattr(group, "provided_launch_template_version"):  # a group with a launch template, not a mixed policy
        group.provided_launch_template_version = version
    if group.mixed_instances_policy:
        spec = group.mixed_instances_policy["LaunchTemplate"]["LaunchTemplateSpecification"]
        spec["LaunchTemplateId"] = group.ec2_launch_template.id
        spec["Version"] = version


def _version_number(group, cfg):
    tid, version = _spec_of(cfg)
    ec2 = group.autoscaling_backend.ec2_backend
    t = ec2.get_launch_template(tid) if tid.startswith("lt-") else ec2.get_launch_template_by_name(tid)
    return str(t.get_version(version).number)


def _replace(group, victims, cfg, cause):
    """Launch len(victims) instances from cfg, register them, then terminate
    the victims: the group never has fewer than desired instances in service."""
    backend = group.autoscaling_backend
    saved = (group.ec2_launch_template, group.launch_template_version, getattr(group, "provided_launch_template_version", None),
             _spec_of(_saved_config(group)))
    before = {s.instance.id for s in group.instance_states}
    _set_config(group, cfg)
    try:
        group.replace_autoscaling_group_instances(len(victims), group.get_propagated_tags())
    finally:
        group.ec2_launch_template, group.launch_template_version = saved[:2]
        if hasattr(group, "provided_launch_template_version"):
            group.provided_launch_template_version = saved[2]
        if group.mixed_instances_policy:
            spec = group.mixed_instances_policy["LaunchTemplate"]["LaunchTemplateSpecification"]
            spec["LaunchTemplateId"], spec["Version"] = saved[3]
    new = sorted(s.instance.id for s in group.instance_states if s.instance.id not in before)
    backend.update_attached_target_groups(group.name)
    # The group deregisters an instance from its target groups before it
    # terminates it (the target drains); moto deregisters only on the EC2
    # TerminateInstances API, so a backend termination left it healthy.
    from moto.elbv2.models import elbv2_backends

    elbv2_backends[backend.account_id][backend.region_name].notify_terminate_instances(victims)
    backend.ec2_backend.terminate_instances(victims)
    group.instance_states = [s for s in group.instance_states if s.instance.id not in victims]
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = now.strftime("At %Y-%m-%dT%H:%M:%SZ ")
    acts = getattr(group, "_shim_activities", [])
    for iid in new:
        acts.append(asg_models.Activity("Launching a new EC2 instance: %s" % iid, stamp + cause, group,
                                        start_time=now, end_time=now, status_code="Successful"))
    for iid in victims:
        acts.append(asg_models.Activity("Terminating EC2 instance: %s" % iid, stamp + cause, group,
                                        start_time=now, end_time=now, status_code="Successful"))
    for a in acts:
        a.progress = 100
    group._shim_activities = acts
    return new


def _batch(group, prefs):
    """Instances replaced at once: as many as keep MinHealthyPercentage of the
    desired capacity in service while at most MaxHealthyPercentage of it is
    in service or pending; at least one."""
    import math

    desired = group.desired_capacity or len(group.instance_states)
    min_healthy = _int(prefs.get("MinHealthyPercentage"), 90)
    max_healthy = _int(prefs.get("MaxHealthyPercentage"), 100)
    keep = math.ceil(desired * min_healthy / 100.0)
    return max(1, desired * max_healthy // 100 - keep)


def _alarm_in_alarm(group, prefs):
    from moto.cloudwatch.models import cloudwatch_backends

    names = ((prefs.get("AlarmSpecification") or {}).get("Alarms")) or []
    backend = group.autoscaling_backend
    cw = cloudwatch_backends[backend.account_id][backend.region_name]
    for name in names:
        alarm = cw.alarms.get(name)
        if alarm is not None and alarm.state_value == "ALARM":
            return name
    return None


def _finish(r, status, reason):
    r["status"], r["reason"] = status, reason
    r["end"] = datetime.datetime.now(datetime.timezone.utc)


def _tick(group, r):
    """One tick of refresh r (see ACTIVE)."""
    prefs = r["preferences"]
    if r["status"] == "Pending":
        r["status"] = "InProgress"
        return
    if r["status"] == "Cancelling":
        _finish(r, "Cancelled", "The instance refresh was cancelled.")
        return
    live = {s.instance.id for s in group.instance_states}
    if r["status"] == "InProgress":
        alarm = _alarm_in_alarm(group, prefs)
        if alarm:
            why = "An alarm (%s) in the alarm specification is in the ALARM state." % alarm
            if _truthy(prefs.get("AutoRollback")) and r["desired"]:
                _start_rollback(r, why)
            else:
                _finish(r, "Failed", why)
            return
        if r["wait"]:
            r["wait"] -= 1
            return
        todo = [i for i in r["old"] if i in live]
        if not todo:
            if r["desired"]:
                _set_config(group, r["desired"])
            r["percent"] = 100
            _finish(r, "Successful", "")
            return
        victims = todo[:_batch(group, prefs)]
        r["new"].extend(_replace(group, victims, r["target"], "an instance refresh replaced the instance"))
        r["done"] += len(victims)
        r["percent"] = r["done"] * 100 // max(1, r["total"])
        warmup = prefs.get("InstanceWarmup")
        if warmup is None:
            warmup = getattr(group, "default_instance_warmup", None) or group.health_check_grace_period
        r["wait"] = 1 if _int(warmup, 0) > 0 else 0
        for cp in prefs.get("CheckpointPercentages") or []:
            if r["percent"] >= _int(cp, 101) and _int(cp, 101) not in r["checkpoints"]:
                r["checkpoints"].append(_int(cp, 101))
                r["wait"] += 1
        return
    # RollbackInProgress: the new instances make way for ones from the saved configuration.
    todo = [i for i in r["new"] if i in live]
    if not todo:
        _set_config(group, r["saved"])
        r["rollback"]["PercentageCompleteOnRollback"] = 100
        _finish(r, "RollbackSuccessful", r["rollback"]["RollbackReason"])
        return
    victims = todo[:_batch(group, prefs)]
    _replace(group, victims, r["saved"], "an instance refresh rollback replaced the instance")
    r["rolled"] += len(victims)
    r["rollback"]["PercentageCompleteOnRollback"] = r["rolled"] * 100 // max(1, r["rolled"] + len(todo) - len(victims))
    r["rollback"]["InstancesToUpdateOnRollback"] = len(todo) - len(victims)


def _start_rollback(r, why):
    now = datetime.datetime.now(datetime.timezone.utc)
    r["status"], r["reason"] = "RollbackInProgress", why
    r["rollback"] = {"RollbackReason": why, "RollbackStartTime": now, "PercentageCompleteOnRollback": 0,
                     "InstancesToUpdateOnRollback": len(r["new"])}


def _refresh_result(r):
    out = {
        "InstanceRefreshId": r["id"], "AutoScalingGroupName": r["group"], "Status": r["status"],
        "StatusReason": r.get("reason", ""), "StartTime": r["start"], "EndTime": r.get("end"),
        "PercentageComplete": r["percent"], "InstancesToUpdate": max(0, r["total"] - r["done"]),
        "Preferences": r["preferences"],
    }
    if r["desired"]:
        out["DesiredConfiguration"] = r["desired"]
    if r.get("rollback"):
        out["RollbackDetails"] = r["rollback"]
    return out


def _asg_error(code, msg):
    from moto.core.exceptions import ServiceException

    class ShimError(ServiceException):
        pass

    ShimError.code = code
    return ShimError(msg)


def _group_of(self):
    from moto.autoscaling.exceptions import ValidationError

    name = self._get_param("AutoScalingGroupName")
    group = self.autoscaling_backend.autoscaling_groups.get(name)
    if group is None:
        raise ValidationError("AutoScalingGroup name not found - %s" % name)
    return group


def _active(group):
    for r in getattr(group, "_shim_refreshes", []):
        if r["status"] in ACTIVE:
            return r
    return None


def start_instance_refresh(self):
    """Auto Scaling StartInstanceRefresh: "Starts an instance refresh ... This
    operation is part of the instance refresh feature in Amazon EC2 Auto
    Scaling, which helps you update instances in your Auto Scaling group";
    one at a time ("InstanceRefreshInProgress: The request failed because an
    active instance refresh ... already exists"). "If you specify a desired
    configuration ... After the instance refresh succeeds, Amazon EC2 Auto
    Scaling updates the settings of the Auto Scaling group to reflect the new
    desired configuration"; without one, the group's own configuration is the
    target. With SkipMatching, instances already on the target are not
    replaced. Instances are replaced in batches that keep MinHealthyPercentage
    of the desired capacity in service and at most MaxHealthyPercentage in
    service or pending, waiting InstanceWarmup after each batch and pausing at
    each of CheckpointPercentages. A gate alarm (AlarmSpecification) in ALARM
    fails the refresh, and with AutoRollback rolls it back: "When rolling back,
    Amazon EC2 Auto Scaling replaces the instances that have been deployed so
    far. The new instances match the configuration that you last saved on the
    Auto Scaling group before starting the instance refresh" (recorded here at
    start). "A rollback is not supported ... [when] There is no desired
    configuration specified for the instance refresh" or "The Auto Scaling
    group uses the launch template's $Latest or $Default version."
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html
    https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html
    Ticks: see ACTIVE. (moto does not implement it; the provider retries it
    until its timeout.)"""
    import uuid

    from moto.autoscaling.exceptions import ValidationError

    group = _group_of(self)
    if _active(group):
        raise _asg_error("InstanceRefreshInProgress", "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.")
    prefs = self._get_param("Preferences") or {}
    desired = self._get_param("DesiredConfiguration") or None
    saved = _saved_config(group)
    if _truthy(prefs.get("AutoRollback")):
        if not desired:
            raise ValidationError("AutoRollback requires a desired configuration (DesiredConfiguration) for the instance refresh.")
        if saved and _spec_of(saved)[1] in ("$Latest", "$Default"):
            raise ValidationError("AutoRollback is not supported when the Auto Scaling group uses the launch template's $Latest or $Default version.")
    target = desired or saved
    want = _version_number(group, target) if target else None
    skip = _truthy(prefs.get("SkipMatching"))
    old = sorted(s.instance.id for s in group.instance_states
                 if not (skip and s.launch_template and s.launch_template.get("Version") == want))
    now = datetime.datetime.now(datetime.timezone.utc)
    r = {"id": str(uuid.uuid4()), "group": group.name, "status": "Pending", "start": now, "end": None,
         "percent": 0, "preferences": prefs, "desired": desired, "saved": saved, "target": target,
         "old": old, "new": [], "total": len(old), "done": 0, "rolled": 0, "wait": 0, "checkpoints": []}
    refreshes = getattr(group, "_shim_refreshes", [])
    refreshes.insert(0, r)
    group._shim_refreshes = refreshes
    return ActionResult({"InstanceRefreshId": r["id"]})


def describe_instance_refreshes(self):
    """Auto Scaling DescribeInstanceRefreshes: the group's refreshes, newest
    first, with "Status", "PercentageComplete", "InstancesToUpdate",
    "DesiredConfiguration" and "RollbackDetails". Each call is a tick of the
    group's active refresh (see ACTIVE).
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeInstanceRefreshes.html"""
    group = _group_of(self)
    r = _active(group)
    if r is not None:
        _tick(group, r)
    ids = self._get_param("InstanceRefreshIds") or []
    out = [r for r in getattr(group, "_shim_refreshes", []) if not ids or r["id"] in ids]
    return ActionResult({"InstanceRefreshes": [_refresh_result(r) for r in out]})


def cancel_instance_refresh(self):
    """Auto Scaling CancelInstanceRefresh: "Cancels an instance refresh ...
    that is in progress"; "This operation is part of the instance refresh
    feature ... When you cancel an instance refresh, this does not roll back
    any changes that it made"; without one in progress it fails with
    ActiveInstanceRefreshNotFound. The refresh is Cancelling, and Cancelled
    on the next tick.
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CancelInstanceRefresh.html"""
    group = _group_of(self)
    r = _active(group)
    if r is None or r["status"] not in ("Pending", "InProgress"):
        raise _asg_error("ActiveInstanceRefreshNotFound", "No in progress or pending Instance Refresh found for Auto Scaling group %s" % group.name)
    r["status"] = "Cancelling"
    return ActionResult({"InstanceRefreshId": r["id"]})


def rollback_instance_refresh(self):
    """Auto Scaling RollbackInstanceRefresh: "Cancels an instance refresh that
    is in progress and rolls back any changes that it made. Amazon EC2 Auto
    Scaling replaces any instances that were replaced during the instance
    refresh. This restores your Auto Scaling group to the configuration that
    it was using before the start of the instance refresh." Without a refresh
    in progress: ActiveInstanceRefreshNotFound; without a desired
    configuration: IrreversibleInstanceRefresh ("The request failed because a
    desired configuration was not found or an incompatible launch template
    ... was found").
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RollbackInstanceRefresh.html"""
    group = _group_of(self)
    r = _active(group)
    if r is None or r["status"] not in ("Pending", "InProgress"):
        raise _asg_error("ActiveInstanceRefreshNotFound", "No in progress or pending Instance Refresh found for Auto Scaling group %s" % group.name)
    if not r["desired"]:
        raise _asg_error("IrreversibleInstanceRefresh", "The request failed because a desired configuration was not found for the instance refresh.")
    _start_rollback(r, "The rollback was started by user request (RollbackInstanceRefresh).")
    return ActionResult({"InstanceRefreshId": r["id"]})


for _fn in (start_instance_refresh, describe_instance_refreshes, cancel_instance_refresh, rollback_instance_refresh):
    if hasattr(asg_responses.AutoScalingResponse, _fn.__name__):
        fail("moto %s now has AutoScalingResponse.%s: the shim needs updating" % (moto.__version__, _fn.__name__))
    setattr(asg_responses.AutoScalingResponse, _fn.__name__, _fn)
    PATCHES.append(_fn.__name__)


# Notification types DescribeAutoScalingNotificationTypes lists.
NOTIFICATION_TYPES = ("autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
                      "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
                      "autoscaling:TEST_NOTIFICATION")


def _notification_group(self):
    from moto.autoscaling.exceptions import ValidationError

    name = self._get_param("AutoScalingGroupName")
    group = self.autoscaling_backend.autoscaling_groups.get(name)
    if group is None:
        raise ValidationError("AutoScalingGroup name not found - %s" % name)
    return group


def put_notification_configuration(self):
    """Auto Scaling PutNotificationConfiguration: "Configures an Auto Scaling
    group to send notifications when specified events take place ... This
    configuration overwrites any existing configuration" (for that topic);
    the types are those DescribeAutoScalingNotificationTypes lists.
    DescribeNotificationConfigurations lists them per group, topic and type
    (all groups when AutoScalingGroupNames is empty); DeleteNotificationConfiguration
    removes a topic's configuration from a group.
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutNotificationConfiguration.html
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeNotificationConfigurations.html
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteNotificationConfiguration.html
    (moto does not implement them; the provider's create fails on the unknown action.)"""
    from moto.autoscaling.exceptions import ValidationError

    group = _notification_group(self)
    types = self._get_param("NotificationTypes") or []
    for t in types:
        if t not in NOTIFICATION_TYPES:
            raise ValidationError("%s is not a notification type; DescribeAutoScalingNotificationTypes lists %s"
                                  % (t, ", ".join(NOTIFICATION_TYPES)))
    configs = getattr(group, "_shim_notifications", {})
    configs[self._get_param("TopicARN")] = sorted(set(types))
    group._shim_notifications = configs
    return EmptyResult()


def describe_notification_configurations(self):
    """See put_notification_configuration."""
    names = self._get_param("AutoScalingGroupNames") or []
    groups = self.autoscaling_backend.autoscaling_groups
    out = []
    for name in sorted(groups):
        if names and name not in names:
            continue
        for topic, types in sorted(getattr(groups[name], "_shim_notifications", {}).items()):
            out.extend({"AutoScalingGroupName": name, "TopicARN": topic, "NotificationType": t} for t in types)
    return ActionResult({"NotificationConfigurations": out})


def delete_notification_configuration(self):
    """See put_notification_configuration."""
    group = _notification_group(self)
    getattr(group, "_shim_notifications", {}).pop(self._get_param("TopicARN"), None)
    return EmptyResult()


for _fn in (put_notification_configuration, describe_notification_configurations, delete_notification_configuration):
    if hasattr(asg_responses.AutoScalingResponse, _fn.__name__):
        fail("moto %s now has AutoScalingResponse.%s: the shim needs updating" % (moto.__version__, _fn.__name__))
    setattr(asg_responses.AutoScalingResponse, _fn.__name__, _fn)
    PATCHES.append(_fn.__name__)


# --- Auto Scaling: launch hooks at creation, warm pools, predictive policies --
# moto 5.2.1 implements PutWarmPool, DescribeWarmPool and DeleteWarmPool (the
# group's DescribeAutoScalingGroups answer carries WarmPoolConfiguration) and
# stores a predictive policy's PredictiveScalingConfiguration as given; it
# drops the lifecycle hooks a group is created with.

@patch(asg_responses.AutoScalingResponse, "create_auto_scaling_group")
def create_group_lifecycle_hooks(orig, self):
    """Auto Scaling CreateAutoScalingGroup: LifecycleHookSpecificationList,
    "One or more lifecycle hooks to add to the Auto Scaling group before
    instances are launched"; each hook then answers DescribeLifecycleHooks
    like one PutLifecycleHook made (no RoleARN or notification target unless
    given).
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LifecycleHookSpecification.html
    (moto drops the list: the group has no hooks.)"""
    result = orig(self)
    group = self._get_param("AutoScalingGroupName")
    for spec in self._get_params().get("LifecycleHookSpecificationList") or []:
        timeout = spec.get("HeartbeatTimeout")
        hook = self.autoscaling_backend.create_lifecycle_hook(
            name=spec.get("LifecycleHookName"), as_name=group, transition=spec.get("LifecycleTransition"),
            timeout=int(timeout) if timeout is not None else None, result=spec.get("DefaultResult"))
        hook.role_arn = spec.get("RoleARN")
        hook.notification_target_arn = spec.get("NotificationTargetARN")
        hook.notification_metadata = spec.get("NotificationMetadata")
    return result


# --- Dual-stack: IPv6 subnets and load balancers (network.ipv6, alb.ip_address_type)

from moto.ec2.models import subnets as ec2_subnets  # noqa: E402


def _subnet_ipv6_associations(self):
    """DescribeSubnets, Ipv6CidrBlockAssociationSet: each
    SubnetIpv6CidrBlockAssociation has Ipv6CidrBlockState, a SubnetCidrBlockState
    whose State is "associating | associated | disassociating | disassociated |
    failing | failed".
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SubnetCidrBlockState.html
    (moto 5.2.1 nests its whole state dict inside State, answering
    "{'State': 'associated'}", so the provider waits for "associated" until it
    times out.)"""
    return [
        {
            "ipv6CidrBlock": a["ipv6CidrBlock"],
            "associationId": a["associationId"],
            "ipv6CidrBlockState": {"state": a["ipv6CidrBlockState"]["State"]},
        }
        for a in self.ipv6_cidr_block_associations.values()
        if a["ipv6CidrBlockState"]["State"] == "associated"
    ]


if not isinstance(getattr(ec2_subnets.Subnet, "ipv6_cidr_block_association_set", None), property):
    fail("Subnet.ipv6_cidr_block_association_set is no longer a property in moto %s: the shim %s needs updating"
         % (moto.__version__, _subnet_ipv6_associations.__name__))
ec2_subnets.Subnet.ipv6_cidr_block_association_set = property(_subnet_ipv6_associations)
PATCHES.append(_subnet_ipv6_associations.__name__)


# ELBv2 CreateLoadBalancer / SetIpAddressType, IpAddressType: "Valid Values:
# ipv4 | dualstack | dualstack-without-public-ipv4". "[Application Load
# Balancers] The possible values are ipv4 (IPv4 addresses), dualstack (IPv4
# and IPv6 addresses), and dualstack-without-public-ipv4 (public IPv6
# addresses and private IPv4 addresses)." "Internal load balancers must use
# ipv4."
# https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
# https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html
# moto 5.2.1 takes ipv4 and dualstack only (a ValidationError otherwise).
NO_PUBLIC_IPV4 = "dualstack-without-public-ipv4"


def _refuse_no_public_ipv4(scheme, lb_type):
    from moto.elbv2.exceptions import ValidationError

    if (scheme or "internet-facing") != "internet-facing" or (lb_type or "application") != "application":
        raise ValidationError(
            "IP address type '%s' is only for internet-facing Application Load Balancers" % NO_PUBLIC_IPV4)


@patch(elbv2_models.ELBv2Backend, "create_load_balancer")
def create_load_balancer_no_public_ipv4(orig, self, *args, **kwargs):
    """CreateLoadBalancer with IpAddressType dualstack-without-public-ipv4: an
    internet-facing ALB is made as dualstack (addresses are not modelled)
    and keeps the type it was asked for."""
    if kwargs.get("ip_address_type") != NO_PUBLIC_IPV4:
        return orig(self, *args, **kwargs)
    _refuse_no_public_ipv4(kwargs.get("scheme"), kwargs.get("loadbalancer_type"))
    lb = orig(self, *args, **dict(kwargs, ip_address_type="dualstack"))
    lb.ip_address_type = NO_PUBLIC_IPV4
    return lb


@patch(elbv2_models.ELBv2Backend, "set_ip_address_type")
def set_ip_address_type_no_public_ipv4(orig, self, arn, ip_type):
    """SetIpAddressType to dualstack-without-public-ipv4 (internet-facing
    ALBs only), as CreateLoadBalancer."""
    if ip_type != NO_PUBLIC_IPV4:
        return orig(self, arn, ip_type)
    lb = self.load_balancers.get(arn)
    if lb is not None:
        _refuse_no_public_ipv4(lb.scheme, lb.type)
    orig(self, arn, "dualstack")
    self.load_balancers[arn].ip_address_type = NO_PUBLIC_IPV4


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--list", action="store_true", help="print the shims and exit")
    args = parser.parse_args()
    if args.list:
        for name in PATCHES:
            print(name)
        return
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import WSGIRequestHandler, run_simple

    class OneRequestPerConnection(WSGIRequestHandler):
        """Serve HTTP/1.0: the connection closes after each answer. Under load,
        the development server's HTTP/1.1 keep-alive connections were closed
        while the provider (Go) was still reading an answer ("use of closed
        network connection" on a 200), failing an apply at random; a
        connection per request costs nothing on loopback."""

        protocol_version = "HTTP/1.0"

    os.environ.setdefault("MOTO_PORT", str(args.port))
    sys.stderr.write("motoshim: moto %s with %d shims on %s:%d\n" % (moto.__version__, len(PATCHES), args.host, args.port))
    sys.stderr.flush()
    # As moto.server.main does, with the request handler above.
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, app, threaded=True, request_handler=OneRequestPerConnection)


if __name__ == "__main__":
    main()
