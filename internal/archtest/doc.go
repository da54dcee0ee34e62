// Package archtest holds tests of the repository's layout rules, checked on
// the source itself rather than on any one package's behaviour: SQL text
// appears only in core/store (nosql_test.go). It has no code of its own.
package archtest
