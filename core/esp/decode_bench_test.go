package esp

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkDecodeContributionList measures the streaming decoder alone on a
// 200-item page shaped like ESP's.
func BenchmarkDecodeContributionList(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i := range 200 {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"id":"%d","submission_batch_id":"1","status":"processed","file_name":"DSC_%d.jpg","image_width":5472,"image_height":3648,"thumbnail_url":"https://cdn.example/t/%d.jpg","headline":"Golden harbor in Lisbon","caption":"Golden harbor in Lisbon on a quiet day.","keywords":["harbor","lisbon","travel","boat","sea","sunset","outdoors","tourism","water","sky","cloud","summer"],"country_of_shoot":"Portugal","city":"Lisbon","submitted_at":"2024-01-01T10:00:00.000Z","created_at":"2024-01-01T09:00:00.000Z","updated_at":"2024-01-05T09:00:00.000Z","errors":{},"reviews":[{"reviewed_at":"2024-01-05T09:00:00.000Z","outcome":"accepted","reasons":[],"notes":""}]}`, 80000000+i, i, i)
	}
	buf.WriteByte(']')
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		items, err := decodeContributionList(bytes.NewReader(data))
		if err != nil || len(items) != 200 {
			b.Fatal(err, len(items))
		}
	}
}
