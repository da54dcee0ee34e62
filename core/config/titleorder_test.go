package config

import "testing"

func TestTitleOrderValidation(t *testing.T) {
	if got := Default().TitleOrder; got != "headline-first" {
		t.Errorf("default title_order %q, want headline-first", got)
	}
	for order, ok := range map[string]bool{"": true, "headline-first": true, "title-first": true, "objectname": false, "Headline-First": false} {
		c := Default()
		c.TitleOrder = order
		if err := c.Validate(); (err == nil) != ok {
			t.Errorf("title_order %q: Validate() = %v, want ok=%v", order, err, ok)
		}
	}
}
