// Package esplimits checks titles, descriptions and keywords against what
// ESP accepts in a metadata update (docs/esp-api.md: more than 50 keywords, a
// headline over 255 or a caption over 2,000 characters are refused —
// modeled), plus what no ESP field can hold: invalid UTF-8 and control
// characters. `stocksync edit` refuses such values before they are stored,
// so a local edit never waits to be sent only to be refused; each error
// names the field, the limit and the value's size.
package esplimits
