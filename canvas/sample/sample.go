// Package sample holds the built-in sample workflow that `stampede` opens
// when it is given no canvas: an order pipeline (a chain with a link, a
// chord whose body is a chain ending in a group, and a chain-wide errback),
// dumped by Celery 5.6.2 itself.
package sample

import _ "embed"

// OrderJSON is the sample canvas as Celery's JSON.
//
//go:embed order.json
var OrderJSON []byte

// Name is how the sample is shown in place of a file name.
const Name = "sample:order.json"
