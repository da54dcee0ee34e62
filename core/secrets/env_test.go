package secrets

import "testing"

func TestAutoPrefersExplicitEnvironment(t *testing.T) {
	t.Setenv(EnvUsername, "ann")
	t.Setenv(EnvPassword, "pw")
	t.Setenv(EnvAPIKey, "key")
	t.Setenv(EnvAPISecret, "sec")
	st, ok := Auto().(*Env)
	if !ok {
		t.Fatalf("Auto() = %T, want *Env when the variables are set", Auto())
	}
	if st.Reason() != nil {
		t.Errorf("explicit choice reported as a fallback: %v", st.Reason())
	}
	cr, err := st.Load()
	if err != nil || cr.Username != "ann" || cr.Password.Reveal() != "pw" {
		t.Errorf("Load = %v, %v", cr, err)
	}
}
