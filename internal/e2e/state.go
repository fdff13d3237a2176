package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// setupBackend makes the state bucket and switches the environment to the
// S3 backend; the emulator's endpoint and path-style addressing go to
// terraform init as -backend-config (never into the stack).
func (r *envRun) setupBackend(ctx context.Context) error {
	r.bucket = "e2e-tfstate-" + r.name
	r.stateKey = "webtier/" + r.name + "/terraform.tfstate"
	if _, err := r.base.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(r.bucket)}); err != nil {
		return fmt.Errorf("CreateBucket %s: %s", r.bucket, apiErr(err))
	}
	if err := editEnvFile(r.envFile, r.name, []string{"backend"}, map[string]any{"bucket": r.bucket, "key": r.stateKey}); err != nil {
		return err
	}
	// With S3 state, a suppression of EWT-STATE-1 (the committed prod has
	// one) matches nothing and would fail synth.
	data, err := os.ReadFile(r.envFile)
	if err != nil {
		return err
	}
	if data, err = DropSuppressions(data, r.name, "EWT-STATE-1"); err != nil {
		return fmt.Errorf("%s: %w", r.envFile, err)
	}
	if err := os.WriteFile(r.envFile, data, 0o644); err != nil {
		return err
	}
	r.backend = filepath.Join(r.dir, "s3.tfbackend")
	conf := fmt.Sprintf(`# Written by the e2e harness: the emulator's S3, never part of the stack.
endpoints = { s3 = %q }
use_path_style = true
skip_credentials_validation = true
skip_requesting_account_id = true
skip_metadata_api_check = true
`, r.emu.URL)
	r.h.logf(r.name, "team state: s3://%s/%s in the emulator", r.bucket, r.stateKey)
	return os.WriteFile(r.backend, []byte(conf), 0o644)
}

// holdLockCheck waits for the lock file of the running deploy and then
// starts a second apply, which must be refused. It sends what it saw.
func (r *envRun) holdLockCheck(ctx context.Context, out chan<- string) {
	lockKey := r.stateKey + ".tflock"
	for {
		select {
		case <-ctx.Done():
			out <- "the deploy finished before its lock file was seen"
			return
		case <-time.After(300 * time.Millisecond):
		}
		if _, err := r.base.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(lockKey)}); err != nil {
			continue
		}
		r.h.logf(r.name, "team state: lock file s3://%s/%s held by the deploy; starting a second apply", r.bucket, lockKey)
		res, err := r.terraform(ctx, "second-apply", 5*time.Minute, "apply", "-input=false", "-auto-approve", "-lock-timeout=0s")
		switch {
		case err != nil:
			out <- "second apply: " + err.Error()
		case res.ExitCode == 0:
			out <- "a second apply succeeded while the first held the lock"
		case !strings.Contains(StripANSI(res.Output), "Error acquiring the state lock"):
			out <- "the second apply failed, but not on the lock: " + FirstError(res.Output)
		default:
			out <- ""
		}
		return
	}
}

// checkState requires the lock check to have passed and the state object to
// be in the bucket, encrypted.
func (r *envRun) checkState(ctx context.Context, lockProblem string) error {
	var p Problems
	if lockProblem != "" {
		p.addf("%s", lockProblem)
	}
	head, err := r.base.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(r.stateKey)})
	switch {
	case err != nil:
		p.addf("state object s3://%s/%s: %s", r.bucket, r.stateKey, apiErr(err))
	case head.ServerSideEncryption != s3types.ServerSideEncryptionAes256 && head.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms:
		p.addf("state object s3://%s/%s is not encrypted (ServerSideEncryption %q)", r.bucket, r.stateKey, head.ServerSideEncryption)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "terraform."+r.name+".tfstate")); err == nil {
		p.addf("a local state file exists although the backend is S3")
	}
	if err := p.Err(); err != nil {
		return err
	}
	enc := ""
	if head != nil {
		enc = string(head.ServerSideEncryption)
	}
	r.res.Cells[StepState] = fmt.Sprintf("s3 %s, lock refused 2nd apply", enc)
	r.h.logf(r.name, "team state: state object encrypted (%s); the second apply was refused: Error acquiring the state lock", enc)
	return nil
}
