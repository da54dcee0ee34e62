//go:build darwin

package darwin

import "testing"

func TestMinutes(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"60", 60},
		{" 15 ", 15},
		{"0", 0},
		{"-5", -5}, // refused by SaveSettings, with its message
		{"", -1},
		{"abc", -1},
		{"1.5", -1},
	}
	for _, tt := range tests {
		if got := minutes(tt.in); got != tt.want {
			t.Errorf("minutes(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
