package draw

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

// fmtJS defines formatters(opt), which replaces the formatter names that
// JSON carries in place of functions: axis labels "descent:exp10" (a log
// axis, drawn as log₁₀ values) and "descent:value", written as tickLabel
// writes them (10ⁿ; plain digits between 1e-3 and 1e5, m×10ⁿ outside;
// never thousands separators), and the tooltip "descent:point", which
// shows a point's name and coordinates back on the data's scale.
const fmtJS = `function sup(n){return String(n).replace(/[-0-9]/g,function(c){return "⁻⁰¹²³⁴⁵⁶⁷⁸⁹".charAt("-0123456789".indexOf(c));});}` +
	`function num(v,log){if(v===0)return "0";var a=Math.abs(v),e=Math.floor(Math.log10(a)+1e-12),m;` +
	`if(log){m=v/Math.pow(10,e);if(Math.abs(m-1)<1e-9){return e>=0&&e<=3?String(Math.round(v)):"10"+sup(e);}}` +
	`if(a>=1e-3&&a<1e5)return String(+v.toPrecision(4));m=+(v/Math.pow(10,e)).toPrecision(3);` +
	`return m+"×10"+sup(e);}` +
	`function formatters(o){[].concat(o.xAxis||[],o.yAxis||[]).map(function(a){return a&&a.axisLabel;})` +
	`.concat(o.visualMap?[o.visualMap]:[]).forEach(function(l){` +
	`if(l&&typeof l.formatter==="string"&&l.formatter.indexOf("descent:")===0){var e=l.formatter==="descent:exp10";` +
	`l.formatter=function(v){return e?num(Math.pow(10,+v),true):num(+v,false);};}});` +
	`if(o.tooltip&&o.tooltip.formatter==="descent:point"){var lx=o.tooltip.logX,ly=o.tooltip.logY;` +
	`o.tooltip.formatter=function(p){var d=p.value||p.data;if(!d||d.length<2)return p.seriesName;` +
	`var x=lx?Math.pow(10,d[0]):d[0],y=ly?Math.pow(10,d[1]):d[1];` +
	`return p.seriesName+"<br>"+num(x,false)+", "+num(y,false);};}return o;}`
