package dev.mailpath.diag.html.internal;

import java.util.Locale;

/**
 * A page being written. Tags, class names and numbers come from this module; text from reports goes
 * through {@link #text(String)}, which escapes it with {@link Html#text(String)}.
 */
public final class Markup {
  private final StringBuilder sb = new StringBuilder(32 * 1024);

  /**
   * Appends markup written by this module; never pass text from a report.
   *
   * @param markup constant markup
   * @return this
   */
  public Markup raw(String markup) {
    sb.append(markup);
    return this;
  }

  /**
   * Appends untrusted text, escaped.
   *
   * @param untrusted text from a report
   * @return this
   */
  public Markup text(String untrusted) {
    sb.append(Html.text(untrusted));
    return this;
  }

  /**
   * Appends an element whose only content is untrusted text.
   *
   * @param tag a constant tag name
   * @param cssClass a constant class name, or null for none
   * @param untrusted the text
   * @return this
   */
  public Markup el(String tag, String cssClass, String untrusted) {
    sb.append('<').append(tag);
    if (cssClass != null) {
      sb.append(" class=\"").append(cssClass).append('"');
    }
    sb.append('>').append(Html.text(untrusted)).append("</").append(tag).append('>');
    return this;
  }

  /**
   * Appends a number for an SVG coordinate.
   *
   * @param v the value
   * @return this
   */
  public Markup num(double v) {
    sb.append(String.format(Locale.ROOT, "%.1f", v));
    return this;
  }

  /**
   * Appends an SVG {@code <text>} element at a position; the text is escaped.
   *
   * @param x left or anchor x
   * @param y baseline y
   * @param cssClass a constant class name, or null
   * @param anchor {@code start}, {@code middle} or {@code end}
   * @param untrusted the label
   * @return this
   */
  public Markup svgText(double x, double y, String cssClass, String anchor, String untrusted) {
    raw("<text x=\"").num(x).raw("\" y=\"").num(y).raw("\" text-anchor=\"").raw(anchor).raw("\"");
    if (cssClass != null) {
      raw(" class=\"").raw(cssClass).raw("\"");
    }
    return raw(">").text(untrusted).raw("</text>");
  }

  /**
   * Appends an SVG rectangle.
   *
   * @param x left
   * @param y top
   * @param w width
   * @param h height
   * @param cssClass a constant class name
   * @return this
   */
  public Markup rect(double x, double y, double w, double h, String cssClass) {
    return raw("<rect x=\"")
        .num(x)
        .raw("\" y=\"")
        .num(y)
        .raw("\" width=\"")
        .num(Math.max(0, w))
        .raw("\" height=\"")
        .num(Math.max(0, h))
        .raw("\" rx=\"4\" class=\"")
        .raw(cssClass)
        .raw("\"/>");
  }

  /**
   * Appends an SVG line.
   *
   * @param x1 start x
   * @param y1 start y
   * @param x2 end x
   * @param y2 end y
   * @param cssClass a constant class name
   * @return this
   */
  public Markup line(double x1, double y1, double x2, double y2, String cssClass) {
    return raw("<line x1=\"")
        .num(x1)
        .raw("\" y1=\"")
        .num(y1)
        .raw("\" x2=\"")
        .num(x2)
        .raw("\" y2=\"")
        .num(y2)
        .raw("\" class=\"")
        .raw(cssClass)
        .raw("\"/>");
  }

  /**
   * Opens an inline SVG picture sized to the page width.
   *
   * @param width view box width
   * @param height view box height
   * @param label a constant description for screen readers
   * @return this
   */
  public Markup openSvg(double width, double height, String label) {
    return raw("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ")
        .num(width)
        .raw(" ")
        .num(height)
        .raw("\" width=\"100%\" aria-label=\"")
        .raw(label)
        .raw("\">");
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
