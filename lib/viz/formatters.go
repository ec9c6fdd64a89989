package viz

// FormattersJS is the JavaScript that defines formatters(opt), which
// replaces the formatter names that Options writes into an option object
// ("descent:exp10" and "descent:value" on axis labels, "descent:point" on
// the tooltip) by functions that write numbers as the static pictures do
// (10ⁿ on log axes, no thousands separators). HTML puts it in every chart's
// script; a front-end that builds its own charts in the course's style (the
// explorables of lib/explore/web) wraps it in a function of its own and
// calls formatters(opt) before echarts' setOption. It defines the names
// sup, num and formatters in the scope it is pasted into.
const FormattersJS = fmtJS
