// Package simulate answers "with these alarms and policies, what happens when
// load jumps?" before an apply. It reads a synthesized stack
// (cdktf.out/stacks/<env>/cdk.tf.json) through internal/stackjson — the Auto
// Scaling Group, the CloudWatch alarms whose actions invoke its scaling
// policies, and the policies themselves — and steps a load profile through
// them one minute at a time.
//
// # Semantics and where they come from
//
// Alarm evaluation (CloudWatch):
//   - A datapoint is the alarm's statistic over one period; the alarm goes to
//     ALARM when at least DatapointsToAlarm of the last EvaluationPeriods
//     datapoints breach the threshold ("M out of N"; the breaching datapoints
//     need not be consecutive), otherwise to OK.
//     https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html (alarm evaluation)
//   - Missing datapoints follow treat_missing_data (breaching, notBreaching,
//     ignore, missing; missing is the default).
//     https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
//   - Actions run on state changes, except Auto Scaling actions, which keep
//     being invoked while the alarm stays in ALARM (once a minute).
//     https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
//
// Scaling (EC2 Auto Scaling):
//   - Step policies pick the step adjustment whose interval (relative to the
//     alarm threshold) holds the metric; above the threshold the lower bound is
//     inclusive and the upper bound exclusive, below it the other way round.
//     ChangeInCapacity, ExactCapacity and PercentChangeInCapacity (with its
//     rounding and MinAdjustmentMagnitude) are applied as documented, and the
//     policy keeps responding while the alarm stays in ALARM.
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
//     https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StepAdjustment.html
//   - Instance warm-up (step and target tracking): instances that are warming
//     up do not contribute to the aggregated metric; while scaling out they
//     already count toward the capacity the adjustment is added to, so several
//     breaches in the same step range make one scaling activity; a scale-out
//     during warm-up needs the metric of the warmed-up instances to breach; and
//     dynamic scale-in waits until the warm-up has finished. While scaling in,
//     instances that are still terminating count as current capacity, so a
//     scale-in does not remove more than needed. The warm-up is the
//     policy's estimated_instance_warmup, else the group's
//     default_instance_warmup, else the group's default_cooldown (300 s).
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
//     https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html
//   - Cooldowns apply to simple scaling policies only: after a simple policy
//     scales, further simple-policy activities wait for its cooldown (the
//     policy's cooldown, else the group's default_cooldown).
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html
//   - The new desired capacity never leaves [min_size, max_size]; when several
//     policies fire together the one giving the largest capacity wins.
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scale-based-on-demand.html
//   - Target tracking keeps the metric near the target: it scales out in
//     proportion (capacity x metric / target, rounded up) and scales in only
//     when the metric has stayed well below the target.
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
//
// Warm pools and predictive scaling (docs/elasticity.md has the table of
// assumed timings):
//   - A scale-out takes instances from the warm pool first; each serves the
//     warm start after it leaves (config.WarmStart by pool state, or
//     --warm-start), or once its own initialization ends if that is later.
//     The pool holds max_group_prepared_capacity (else max_size) minus the
//     desired capacity, at least min_size; missing instances launch cold
//     into it, and with reuse_on_scale_in scaled-in ones return to it once
//     drained.
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html
//   - Predictive scaling forecasts each hour from up to 14 days of history;
//     the model takes the same hour of the profile's previous days (at most
//     14, none on the first day, where AWS needs 24 hours of data too),
//     averages the load over them and the hour, and sizes the group to
//     ceil(load / target). With ForecastAndScale, scheduling_buffer_time
//     ahead of the hour the forecast becomes a floor of the capacity
//     (dynamic scale-in stops there), capped by max_size with
//     HonorMaxCapacity or raising max_size to the forecast plus
//     max_capacity_buffer percent with IncreaseMaxCapacity.
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-predictive-scaling.html
//
// Request-count target tracking (ALBRequestCountPerTarget):
//   - The metric is the target group's requests per target per minute; the
//     load profile is then requests per minute and each serving target gets
//     load / in service (not capped, unlike CPU). The policy runs through the
//     same target-tracking code as CPU; AWS's alarms use statistic Sum over
//     one minute. resource_label must name a target group of the group.
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
//     https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html
//
// Memory target tracking (customized metric CWAgent mem_used_percent,
// Average, dimension AutoScalingGroupName of the group; scaling.policy
// memory):
//   - The load profile is then memory in percent of one instance, and each
//     serving instance holds load / in service (capped at 100), as with
//     CPU: the model assumes the app's memory grows with the load it serves
//     and is shared evenly, and that a new instance's memory counts once it
//     serves. A leak, a cache that never shrinks, or memory that does not
//     follow requests is not modelled. The policy runs through the same
//     target-tracking code as CPU (AWS's alarms: Average over one minute).
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
//
// Scheduled actions (aws_autoscaling_schedule):
//   - Recurrence is five-field Unix cron read in time_zone (default UTC),
//     bounded by start_time/end_time; without recurrence the action runs
//     once at start_time. At its minute it sets min_size, max_size and
//     desired_capacity (-1 or absent: unchanged; an unchanged desired is
//     kept within the new limits) before the dynamic policies act; an action
//     whose sizes contradict the group's fails and changes nothing. The clock
//     starts at Options.Start (DefaultStart).
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
//
// Instance refresh (instance_refresh, strategy Rolling):
//   - Defaults: min healthy 90%, max healthy 100%, warm-up = the group's
//     default_instance_warmup, else its health_check_grace_period; a
//     checkpoint delay of 3600 s when checkpoints are given.
//     https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html
//   - Batches: max(1, (desired - ceil(desired x min%)) + (floor(desired x
//     max%) - desired)) instances at a time; up to floor(desired x max%) -
//     desired of them launch before old ones are terminated, the rest replace
//     old instances terminated at once. The next batch starts when every
//     instance of the new template serves and its warm-up since launch has
//     passed. Checkpoints pause once ceil(desired x p%) instances are new; a
//     last checkpoint below 100 ends the refresh there.
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-adding-checkpoints-instance-refresh.html
//   - Scaling goes on during a refresh; instances launched after it starts
//     use the new template. The simulated launch template always differs from
//     the running one, so skip_matching skips nothing.
//   - A modelled alarm of the alarm_specification in ALARM fails the refresh;
//     with auto_rollback the new-template instances are replaced from the
//     previous one with the same preferences and no checkpoints (no gate).
//     Alarms on metrics the simulator does not model (ALB errors, unhealthy
//     hosts, latency) are reported as not simulated: it assumes healthy
//     instances, so it cannot say whether they would fire.
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html
//
// # Simplifications (also stated by the CLI's README text)
//
//   - One-minute steps: delays and warm-ups round up to whole minutes, and a
//     datapoint is evaluated at the end of its period with no ingestion delay.
//   - Load is spread evenly over the instances that serve; an instance serves
//     the launch delay after it is launched (default: the group's
//     health_check_grace_period) and reports CPU only once it serves and its
//     warm-up is over. Scale-in removes the newest instances: they stop
//     serving at once and stay terminating for the target group's
//     deregistration_delay; EC2 shutdown time is not modelled.
//   - Before minute 0 the load is assumed to have held at its minute-0 value,
//     so the alarms start with full, steady histories.
//   - Target tracking alarms are created by AWS and are not in the JSON; the
//     simulator uses AlarmHigh = metric > target for 3 of 3 one-minute
//     datapoints and AlarmLow = metric < 90% of target for 15 of 15.
//   - With missing data treated as missing or ignore, the alarm is evaluated
//     on the datapoints present (CloudWatch looks further back); missing data
//     occurs only when no instance reports.
package simulate
