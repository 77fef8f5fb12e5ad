package dev.mailpath.diag.html.internal;

/**
 * The page's one style sheet: light and dark colours ({@code prefers-color-scheme}), print rules,
 * and the classes the pictures use. System fonts only, so that nothing is fetched.
 */
final class Style {
  private Style() {}

  private static final String LIGHT =
      "--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;"
          + "--ok:#1a7f37;--okbg:#dafbe1;--warn:#9a6700;--warnbg:#fff8c5;"
          + "--bad:#cf222e;--badbg:#ffebe9;--crit:#82071e;--info:#0969da;--infobg:#ddf4ff;"
          + "--none:#818b98;--nonebg:#eff2f5;";

  private static final String DARK =
      "--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;"
          + "--ok:#3fb950;--okbg:#12261e;--warn:#d29922;--warnbg:#272115;"
          + "--bad:#f85149;--badbg:#2d1214;--crit:#ff7b72;--info:#4493f8;--infobg:#121d2f;"
          + "--none:#656c76;--nonebg:#1c2128;";

  static final String CSS =
      ":root{"
          + LIGHT
          + "}\n@media (prefers-color-scheme:dark){:root{"
          + DARK
          + "}}\n"
          + "*{box-sizing:border-box}\n"
          + "body{margin:0 auto;max-width:1120px;padding:24px;background:var(--bg);"
          + "color:var(--fg);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,"
          + "'Helvetica Neue',Arial,sans-serif}\n"
          + "h1{font-size:26px;margin:0 0 16px}h2{font-size:22px;margin:0}"
          + "h3{font-size:17px;margin:20px 0 8px}h4{font-size:13px;margin:8px 0 4px;"
          + "color:var(--muted);text-transform:uppercase;letter-spacing:.04em}\n"
          + "section.report>header h1{font-size:24px;margin:0}\n"
          + "code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
          + "'Liberation Mono',monospace;font-size:13px}\n"
          + "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--card);"
          + "border:1px solid var(--line);border-radius:6px;padding:10px;margin:6px 0}\n"
          + "p,li,td,th,h1,h2,code,.subject{overflow-wrap:anywhere}\n"
          + "a{color:var(--info)}\n"
          + "table{border-collapse:collapse;width:100%;margin:8px 0}"
          + "th,td{text-align:left;vertical-align:top;padding:4px 8px;"
          + "border-bottom:1px solid var(--line)}th{font-weight:600}\n"
          + "section.report{border:1px solid var(--line);border-radius:10px;padding:16px 20px;"
          + "margin:20px 0}\n"
          + ".rh{display:flex;justify-content:space-between;align-items:flex-start;gap:16px}\n"
          + ".kind{color:var(--muted);font-size:13px;text-transform:uppercase;"
          + "letter-spacing:.05em}\n"
          + ".meta{color:var(--muted);font-size:13px;margin:4px 0 12px}\n"
          + ".badge{display:inline-block;padding:2px 12px;border-radius:12px;font-weight:700;"
          + "font-size:13px;border:1px solid currentColor;white-space:nowrap}\n"
          + ".o-PASS{color:var(--ok);background:var(--okbg)}"
          + ".o-WARN{color:var(--warn);background:var(--warnbg)}"
          + ".o-FAIL{color:var(--bad);background:var(--badbg)}"
          + ".o-INCONCLUSIVE{color:var(--muted);background:var(--nonebg)}\n"
          + ".finding{border-left:4px solid var(--line);background:var(--card);"
          + "border-radius:0 6px 6px 0;padding:8px 14px;margin:10px 0;break-inside:avoid}\n"
          + ".finding p{margin:4px 0}.fsummary{font-weight:600}"
          + ".explanation{color:var(--muted)}.finding ol{margin:0;padding-left:22px}\n"
          + ".evidence th{width:22%;font-weight:normal;color:var(--muted)}\n"
          + ".sev{font-size:12px;font-weight:700;letter-spacing:.04em}\n"
          + ".s-INFO{border-color:var(--info)}.s-INFO .sev{color:var(--info)}"
          + ".s-WARNING{border-color:var(--warn)}.s-WARNING .sev{color:var(--warn)}"
          + ".s-ERROR{border-color:var(--bad)}.s-ERROR .sev{color:var(--bad)}"
          + ".s-CRITICAL{border-color:var(--crit);background:var(--badbg)}"
          + ".s-CRITICAL .sev{color:var(--crit)}\n"
          + "details{margin:8px 0}summary{cursor:pointer;color:var(--muted)}\n"
          + ".lines .t{color:var(--muted)}.d-CLIENT,.d-CLIENT_TLS{color:var(--info)}"
          + ".d-SERVER,.d-SERVER_TLS{color:var(--ok)}.d-NOTE{color:var(--muted)}\n"
          + "figure{margin:12px 0;break-inside:avoid}figcaption{color:var(--muted);"
          + "font-size:13px;margin-top:4px}\n"
          + "svg{display:block;max-width:100%;height:auto}\n"
          + "svg text{fill:var(--fg);font:13px system-ui,-apple-system,'Segoe UI',Roboto,"
          + "Arial,sans-serif}svg text.small{font-size:11px}svg text.muted{fill:var(--muted)}"
          + "svg text.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}"
          + "svg text.strong{font-weight:700}\n"
          + "svg .edge{stroke:var(--line);stroke-width:2;fill:none}"
          + "svg .axis{stroke:var(--muted);stroke-width:1}"
          + "svg .grid{stroke:var(--line);stroke-width:1;stroke-dasharray:3 3}"
          + "svg .box{fill:var(--card);stroke:var(--line)}\n"
          + "svg .st-ok{fill:var(--okbg);stroke:var(--ok)}svg .st-warn{fill:var(--warnbg);"
          + "stroke:var(--warn)}svg .st-bad{fill:var(--badbg);stroke:var(--bad)}"
          + "svg .st-none{fill:var(--nonebg);stroke:var(--none);stroke-dasharray:4 3}"
          + "svg .st-info{fill:var(--infobg);stroke:var(--info)}\n"
          + "svg .bar-ok{fill:var(--ok)}svg .bar-warn{fill:var(--warn)}"
          + "svg .bar-bad{fill:var(--bad)}svg .bar-none{fill:var(--none)}"
          + "svg .dot{fill:var(--fg)}svg text.t-ok{fill:var(--ok)}"
          + "svg text.t-warn{fill:var(--warn)}svg text.t-bad{fill:var(--bad)}\n"
          + ".legend span{display:inline-block;margin-right:14px;font-size:13px}"
          + ".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;"
          + "margin-right:5px;border:1px solid}\n"
          + ".k-ok{color:var(--ok)}.k-warn{color:var(--warn)}.k-bad{color:var(--bad)}"
          + ".k-none{color:var(--muted)}\n"
          + ".k-ok i{background:var(--okbg)}.k-warn i{background:var(--warnbg)}"
          + ".k-bad i{background:var(--badbg)}.k-none i{background:var(--nonebg)}\n"
          + "table.summary td:nth-child(1),table.summary td:nth-child(5){width:3em}\n"
          + "footer{color:var(--muted);font-size:12px;margin-top:24px}\n"
          + "@media print{:root{"
          + LIGHT
          + "}body{max-width:none;padding:0;font-size:11pt}section.report{border:0;"
          + "padding:0;break-before:page}section.report:first-of-type{break-before:auto}"
          + "a{color:inherit;text-decoration:none}details.text{display:none}"
          + "pre{border:0;background:none}}\n";
}
