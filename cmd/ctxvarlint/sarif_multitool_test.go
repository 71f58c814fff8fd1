package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// multitool is the npm package of the SARIF Multitool, the SARIF SDK's
// validator, run with npx, at the version whose rules the test expects to
// pass.
const multitool = "@microsoft/sarif-multitool@5.7.0"

// TestSARIFMultitool validates the logs of the multipkg and broken modules
// with the SARIF Multitool: against the SARIF 2.1.0 schema and the SDK's
// rules (rule kind Sarif), and against the rules of GitHub code scanning
// (rule kind Gh). No result may be an error. A copy of a log with a region
// made invalid must fail, which shows that the validator did check.
func TestSARIFMultitool(t *testing.T) {
	npx, err := exec.LookPath("npx")
	if err != nil {
		t.Skip("npx not found: install Node.js and npm (Debian: apt-get install nodejs npm) to validate the SARIF logs with " + multitool)
	}
	t.Parallel()
	logs := make(map[string][]byte)
	for _, mod := range []string{"multipkg", "broken"} {
		dir := sharedModule(t, mod)
		file := filepath.Join(t.TempDir(), mod+".sarif")
		run(t, dir, ctxvarlint(t), "-sarif="+file, "./...")
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		logs[mod] = data
	}
	for mod, data := range logs {
		for _, kind := range []string{"Sarif", "Gh"} {
			others := make(map[string]int) // warnings and notes by rule
			for _, r := range validate(t, npx, mod, data, kind) {
				if r.Level == "error" {
					t.Errorf("%s log, rule kind %s: %s: %s", mod, kind, r.RuleID, r.text())
				} else if others[r.RuleID]++; others[r.RuleID] == 1 {
					t.Logf("%s log, rule kind %s: %s %s: %s", mod, kind, r.Level, r.RuleID, r.text())
				}
			}
			for rule, n := range others {
				t.Logf("%s log, rule kind %s: %d results of %s", mod, kind, n, rule)
			}
		}
	}

	// A column of 0 violates the schema, whose columns start at 1.
	var log map[string]any
	if err := json.Unmarshal(logs["multipkg"], &log); err != nil {
		t.Fatal(err)
	}
	result := log["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
	region := result["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["region"].(map[string]any)
	region["startColumn"] = 0
	bad, err := json.Marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	failed := false
	for _, r := range validate(t, npx, "invalid", bad, "Sarif") {
		failed = failed || r.Level == "error"
	}
	if !failed {
		t.Errorf("the Multitool found no error in a log with a startColumn of 0: it does not validate")
	}
}

// A multitoolResult is a result of the Multitool's own SARIF output.
type multitoolResult struct {
	RuleID  string `json:"ruleId"`
	Level   string `json:"level"`
	Message struct {
		Text      string   `json:"text"`
		Arguments []string `json:"arguments"`
	} `json:"message"`
}

func (r multitoolResult) text() string {
	if r.Message.Text != "" {
		return r.Message.Text
	}
	return strings.Join(r.Message.Arguments, "; ")
}

// validate runs the Multitool's validate command with rules of the given
// kind on the log data and returns the results of its output log, each
// with its level, and the errors of its run as error-level results.
func validate(t *testing.T, npx, name string, data []byte, kind string) []multitoolResult {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, name+".sarif")
	out := filepath.Join(dir, name+".validation.sarif")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(npx, "--yes", multitool, "validate", in, "--output", out, "--rule-kind", kind)
	cmd.Dir = dir
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		t.Fatalf("npx %s validate: %v\n%s", multitool, err, output.Bytes())
	}
	report, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("npx %s validate wrote no output log: %v\n%s", multitool, err, output.Bytes())
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results     []multitoolResult `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				Notifications       []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(report, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("the Multitool's output is not a SARIF log with one run: %v\n%s", err, report)
	}
	results := log.Runs[0].Results
	// A result without a level has that of its rule, or else warning.
	for i, r := range results {
		if r.Level != "" {
			continue
		}
		results[i].Level = "warning"
		for _, rule := range log.Runs[0].Tool.Driver.Rules {
			if rule.ID == r.RuleID && rule.DefaultConfiguration.Level != "" {
				results[i].Level = rule.DefaultConfiguration.Level
			}
		}
	}
	for _, inv := range log.Runs[0].Invocations {
		if !inv.ExecutionSuccessful {
			results = append(results, multitoolResult{RuleID: "execution", Level: "error"})
		}
		for _, n := range inv.Notifications {
			r := multitoolResult{RuleID: "notification", Level: n.Level}
			r.Message.Text = n.Message.Text
			results = append(results, r)
		}
	}
	return results
}
