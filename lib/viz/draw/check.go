package draw

// RendererOverride is the JavaScript a browser check runs before a page's
// own scripts (e.g. with chromedp's AddScriptToEvaluateOnNewDocument): it
// makes every chart draw with echarts' SVG renderer, so that each piece of
// text is a DOM node whose box LayoutCheckJS can measure.
const RendererOverride = `window.__descentRenderer = "svg";`

// LayoutCheckJS is a JavaScript expression that inspects every interactive
// chart on the page (drawn with RendererOverride) and evaluates to a JSON
// string:
//
//	{"charts": n, "texts": n, "labels": n, "problems": ["…", …]}
//
// A problem names the chart (its id) and the text, for:
//   - a text (title, note, legend entry, axis name or tick label) not
//     wholly inside its chart: clipped;
//   - two texts whose boxes overlap by more than 2 pixels each way;
//   - a title or note line that runs into the toolbox icons;
//   - a tick label of a log axis that is not a power of ten written 10ⁿ
//     (or 1, 10, 100, 1000);
//   - a series name drawn in two colours on the page;
//   - a legend that pages its entries (type "scroll") or hides one.
//
// Charts whose echarts instance is not ready are counted as problems too,
// so a check cannot pass by looking at nothing.
const LayoutCheckJS = `(function(){
var out={charts:0,texts:0,labels:0,problems:[]};
function P(id,m){out.problems.push(id+": "+m);}
var colours={};
var pow=/^(1|10|100|1000|10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/;
document.querySelectorAll(".` + ChartClass + `").forEach(function(box){
  var id=box.id||"(chart)";
  var el=box.querySelector(".descent-viz-chart");
  if(!el){ if(box.querySelector("img"))P(id,"no interactive chart was drawn"); return; }
  var ch=window.echarts&&echarts.getInstanceByDom(el);
  if(!ch){P(id,"no echarts instance");return;}
  out.charts++;
  var svg=el.querySelector("svg");
  if(!svg){P(id,"not drawn with the SVG renderer (RendererOverride missing)");return;}
  var frame=svg.getBoundingClientRect();
  var boxes=[];
  svg.querySelectorAll("text").forEach(function(t){
    var s=(t.textContent||"").trim(); if(!s)return;
    var st=window.getComputedStyle(t); if(st.display==="none"||st.visibility==="hidden"||t.getAttribute("fill-opacity")==="0")return;
    var r=t.getBoundingClientRect(); if(r.width===0||r.height===0)return;
    out.texts++;
    if(r.left<frame.left-1||r.right>frame.right+1||r.top<frame.top-1||r.bottom>frame.bottom+1)
      P(id,"text \""+s+"\" is clipped by the chart ("+Math.round(r.left-frame.left)+","+Math.round(r.top-frame.top)+" "+Math.round(r.width)+"×"+Math.round(r.height)+" in "+Math.round(frame.width)+"×"+Math.round(frame.height)+")");
    boxes.push({s:s,r:r});
  });
  for(var i=0;i<boxes.length;i++)for(var j=i+1;j<boxes.length;j++){
    var a=boxes[i].r,b=boxes[j].r;
    var ox=Math.min(a.right,b.right)-Math.max(a.left,b.left), oy=Math.min(a.bottom,b.bottom)-Math.max(a.top,b.top);
    if(ox>2&&oy>2)P(id,"texts \""+boxes[i].s+"\" and \""+boxes[j].s+"\" overlap");
  }
  var opt=ch.getOption();
  var tb=opt.toolbox&&opt.toolbox[0];
  if(tb&&tb.show!==false){
    var n=Object.keys(tb.feature||{}).length, size=tb.itemSize||15, gap=tb.itemGap||10;
    var right=frame.right-(+tb.right||0), left=right-n*(size+gap), top=frame.top+(+tb.top||0), bottom=top+size+4;
    (opt.title||[]).forEach(function(tt,k){
      boxes.forEach(function(bx){
        if(bx.r.right>left&&bx.r.left<right&&bx.r.bottom>top&&bx.r.top<bottom&&(tt.text||"").indexOf(bx.s)>=0)
          P(id,"title line \""+bx.s+"\" runs into the toolbox");
      });
    });
  }
  ["xAxis","yAxis"].forEach(function(kind){
    (opt[kind]||[]).forEach(function(ax,k){
      var model=ch.getModel().getComponent(kind,k); if(!model||!model.axis)return;
      var labels=model.axis.getViewLabels().map(function(l){return l.formattedLabel;});
      // getViewLabels keeps the end labels that showMin/MaxLabel hide when drawn.
      if(ax.axisLabel&&ax.axisLabel.showMaxLabel===false)labels.pop();
      if(ax.axisLabel&&ax.axisLabel.showMinLabel===false)labels.shift();
      out.labels+=labels.length;
      var log=ax.axisLabel&&ax.axisLabel.descentLog;
      if(log)labels.forEach(function(l){ if(!pow.test(l))P(id,kind+" is logarithmic but labels \""+l+"\", not a power of ten"); });
    });
  });
  (opt.legend||[]).forEach(function(lg){
    if(lg.show===false)return;
    if(lg.type==="scroll")P(id,"the legend pages its entries (type scroll)");
    var shown={};
    svg.querySelectorAll("text").forEach(function(t){shown[(t.textContent||"").trim()]=true;});
    (lg.data||[]).forEach(function(d){var nm=typeof d==="string"?d:d.name; if(!shown[nm])P(id,"legend entry \""+nm+"\" is not shown");});
  });
  var inLegend={};
  (opt.legend||[]).forEach(function(lg){(lg.data||[]).forEach(function(d){inLegend[typeof d==="string"?d:d.name]=true;});});
  (opt.series||[]).forEach(function(s){
    if(!inLegend[s.name])return;
    var c=(s.lineStyle&&s.lineStyle.color)||(s.itemStyle&&s.itemStyle.color)||s.color;
    var dash=(s.lineStyle&&s.lineStyle.type)||"solid";
    var look=c+" "+(s.type==="scatter"?"":dash);
    if(!c)return;
    if(colours[s.name]&&colours[s.name].look.split(" ")[0]!==c)P(id,"series \""+s.name+"\" is "+c+" here but "+colours[s.name].look.split(" ")[0]+" in "+colours[s.name].id);
    else if(!colours[s.name])colours[s.name]={look:look,id:id};
  });
});
return JSON.stringify(out);
})()`
