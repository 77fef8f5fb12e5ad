package dev.mailpath.diag.html;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.smtp.AddressCheck;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.DeliveryStage;
import dev.mailpath.diag.smtp.ExchangeCheck;
import dev.mailpath.diag.smtp.RelayAttempt;
import dev.mailpath.diag.smtp.RelayPass;
import dev.mailpath.diag.smtp.RelayReport;
import dev.mailpath.diag.smtp.RelayResponse;
import dev.mailpath.diag.smtp.RelayVariant;
import dev.mailpath.diag.smtp.RelayVerdict;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.trace.ReceivedChain;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds hostile text through every kind of field a page shows and reads the page back with a real
 * HTML parser (jsoup, which follows the HTML5 parsing algorithm): no element or attribute may come
 * from the input, and the text must read as the input.
 */
class DiagHtmlEscapingTest {

  /** Elements the renderer itself writes; anything else on a page came from an input. */
  private static final Set<String> OWN_ELEMENTS =
      Set.of(
          "html",
          "head",
          "body",
          "meta",
          "title",
          "style",
          "section",
          "header",
          "footer",
          "div",
          "h1",
          "h2",
          "h3",
          "h4",
          "p",
          "strong",
          "span",
          "code",
          "pre",
          "ol",
          "li",
          "table",
          "thead",
          "tbody",
          "tr",
          "th",
          "td",
          "a",
          "article",
          "details",
          "summary",
          "figure",
          "figcaption",
          "i",
          "svg",
          "rect",
          "line",
          "path",
          "circle",
          "text");

  private static final Set<String> OWN_ATTRIBUTES =
      Set.of(
          "lang",
          "charset",
          "http-equiv",
          "content",
          "name",
          "class",
          "id",
          "href",
          "xmlns",
          "role",
          "viewbox",
          "width",
          "height",
          "aria-label",
          "x",
          "y",
          "x1",
          "y1",
          "x2",
          "y2",
          "rx",
          "r",
          "cx",
          "cy",
          "d",
          "text-anchor");

  static List<String> hostile() {
    return List.of(
        "<script>alert(1)</script>",
        "\"><svg onload=alert(1)>",
        "'><img src=x onerror=alert(1)>",
        "AT&T &amp; &lt;b&gt; \"quoted\" 'single'",
        "</textarea></style></title></pre><script>alert(1)</script>",
        "<!-- comment --><![CDATA[x]]>",
        "javascript:alert(1)",
        "x".repeat(5000) + "<b>long</b>");
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void render_hostileTextInEveryField_showsTextOnly(String evil) {
    for (DiagnosticReport r : reports(evil)) {
      Document doc = Jsoup.parse(DiagHtml.render(r));
      assertOnlyOwnMarkup(doc);
      // The text reads as the input in each kind of field.
      assertThat(texts(doc, ".fsummary")).contains(evil);
      assertThat(texts(doc, ".explanation")).contains(evil);
      assertThat(texts(doc, ".step")).contains(evil);
      assertThat(texts(doc, ".elabel")).contains(evil);
      assertThat(texts(doc, ".evalue")).contains(evil);
      assertThat(texts(doc, ".code")).contains(evil);
      assertThat(doc.head().select("title")).hasSize(1);
    }
    Document doc = Jsoup.parse(DiagHtml.render(deliveryPath(evil)));
    assertThat(texts(doc, ".tl")).contains("220 " + evil, evil);
    assertThat(texts(doc, "td.host")).contains(evil);
    assertThat(texts(doc, "td.asummary")).contains(evil);
    assertThat(texts(doc, "td.banner")).isNotEmpty();
    Document relay = Jsoup.parse(DiagHtml.render(relay(evil)));
    assertThat(texts(relay, "td.mono")).contains(evil);
    assertThat(relay.select("td.reply").text()).contains("554");
    assertThat(texts(relay, "h1.subject")).contains(evil + ":25");
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void render_hostileReceivedFields_showsHopTextAsText(String evil) {
    String message =
        "Received: from "
            + evil
            + " (unknown [192.0.2.1]) by "
            + evil
            + " with ESMTP id 1; Tue, 2 Jan 2024 10:00:05 +0000\r\n"
            + "Received: from a.example ([192.0.2.2]) by b.example with ESMTP id 2;"
            + " Tue, 2 Jan 2024 10:00:00 +0000\r\n"
            + "Subject: "
            + evil
            + "\r\n\r\nbody\r\n";
    Document doc = Jsoup.parse(DiagHtml.render(ReceivedChain.parse(message)));
    assertOnlyOwnMarkup(doc);
    assertThat(doc.select("span.raw").stream().map(Element::wholeText))
        .anySatisfy(t -> assertThat(t).contains(evil));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void renderAll_hostileTitle_showsTitleAsText(String evil) {
    Document doc = Jsoup.parse(DiagHtml.renderAll(evil, reports(evil)));
    assertOnlyOwnMarkup(doc);
    assertThat(doc.title()).isEqualTo(evil);
    assertThat(doc.selectFirst("h1").wholeText()).isEqualTo(evil);
  }

  @ParameterizedTest
  @MethodSource("controls")
  void render_controlCharacters_showsThemEscaped(String input, String shown) {
    Document doc = Jsoup.parse(DiagHtml.render(deliveryPath(input)));
    assertOnlyOwnMarkup(doc);
    assertThat(texts(doc, ".fsummary")).contains(shown);
    assertThat(texts(doc, ".tl")).contains(shown);
  }

  static List<org.junit.jupiter.params.provider.Arguments> controls() {
    return List.of(
        org.junit.jupiter.params.provider.Arguments.of("a\u0000b", "a\\x00b"),
        org.junit.jupiter.params.provider.Arguments.of("esc\u001b[31mred", "esc\\x1b[31mred"),
        org.junit.jupiter.params.provider.Arguments.of("cr\rlf", "cr\\rlf"),
        org.junit.jupiter.params.provider.Arguments.of("c1\u0085x", "c1\\x85x"),
        org.junit.jupiter.params.provider.Arguments.of("bidi\u202eexe.txt", "bidi\\u202eexe.txt"),
        org.junit.jupiter.params.provider.Arguments.of("lone\ud800x", "lone\\ud800x"),
        // what a transcript shows for bytes that were not UTF-8 stays as it was recorded
        org.junit.jupiter.params.provider.Arguments.of("raw \\xff\\xfe", "raw \\xff\\xfe"),
        org.junit.jupiter.params.provider.Arguments.of(
            "emoji \ud83d\udce7 ok", "emoji \ud83d\udce7 ok"));
  }

  private static void assertOnlyOwnMarkup(Document doc) {
    assertThat(doc.select("script")).isEmpty();
    for (Element e : doc.getAllElements()) {
      if (e == doc) {
        continue;
      }
      assertThat(OWN_ELEMENTS).as("element <%s>", e.normalName()).contains(e.normalName());
      for (Attribute a : e.attributes()) {
        String name = a.getKey().toLowerCase(java.util.Locale.ROOT);
        assertThat(name).as("attribute of <%s>", e.normalName()).doesNotStartWith("on");
        assertThat(OWN_ATTRIBUTES).as("attribute of <%s>", e.normalName()).contains(name);
        if (name.equals("href")) {
          assertThat(a.getValue()).startsWith("#");
        }
      }
    }
  }

  private static List<String> texts(Document doc, String css) {
    return doc.select(css).stream().map(Element::wholeText).collect(Collectors.toList());
  }

  private static Finding finding(String evil) {
    return new Finding(
        evil,
        Severity.ERROR,
        evil,
        evil,
        List.of(evil, "check"),
        List.of(new Evidence(evil, evil)));
  }

  private static List<DiagnosticReport> reports(String evil) {
    return List.of(
        MxReport.builder()
            .domain(evil)
            .elapsed(Duration.ofMillis(5))
            .addFinding(finding(evil))
            .build(),
        smtp(evil),
        deliveryPath(evil),
        relay(evil),
        ReceivedChain.parse("Received: from x by y; Tue, 2 Jan 2024 10:00:00 +0000\r\n\r\n")
            .toBuilder()
            .addFinding(finding(evil))
            .build());
  }

  private static SmtpReport smtp(String evil) {
    return SmtpReport.builder()
        .target(evil, 25)
        .startedAt(Instant.parse("2026-11-28T10:00:00Z"))
        .elapsed(Duration.ofMillis(12))
        .banner(SmtpReply.of(220, evil))
        .transcript(
            Transcript.of(
                List.of(
                    new TranscriptLine(0, Direction.NOTE, Duration.ZERO, "Connected"),
                    new TranscriptLine(1, Direction.SERVER, Duration.ofMillis(3), "220 " + evil),
                    new TranscriptLine(2, Direction.CLIENT, Duration.ofMillis(4), evil))))
        .addFinding(finding(evil))
        .build();
  }

  private static DeliveryPathReport deliveryPath(String evil) {
    InetAddress ip = InetAddress.getLoopbackAddress();
    AddressCheck a =
        new AddressCheck(
            evil,
            ip,
            Optional.of(new InetSocketAddress(ip, 25)),
            AddressCheck.Status.ACCEPTED,
            evil,
            Optional.empty(),
            Optional.of(smtp(evil)),
            List.of());
    return DeliveryPathReport.builder()
        .target("alice@" + evil, "alice@" + evil, evil)
        .sender(evil)
        .mx(MxReport.builder().domain(evil).elapsed(Duration.ZERO).build())
        .addExchange(
            new ExchangeCheck(
                1, new MailExchange(evil, 10, Duration.ZERO, List.of(ip)), List.of(a)))
        .verdict(DeliveryStage.ACCEPTED, evil)
        .startedAt(Instant.parse("2026-11-28T10:00:00Z"))
        .elapsed(Duration.ofMillis(40))
        .addFinding(finding(evil))
        .build();
  }

  private static RelayReport relay(String evil) {
    SmtpReply refused = SmtpReply.of(554, "5.7.1 " + evil);
    return RelayReport.builder()
        .target(evil, 25)
        .domains("example.com", "relay-test.example.net")
        .startedAt(Instant.parse("2026-11-28T10:00:00Z"))
        .elapsed(Duration.ofMillis(30))
        .verdict(RelayVerdict.CLOSED)
        .addAttempt(
            new RelayAttempt(
                RelayPass.ANONYMOUS,
                RelayVariant.EXTERNAL_SENDER,
                evil,
                evil,
                RelayResponse.REFUSED,
                SmtpReply.of(250, "ok"),
                Optional.of(refused),
                Optional.empty(),
                OptionalInt.of(0),
                1,
                Transcript.empty()))
        .addConnection(smtp(evil))
        .addFinding(finding(evil))
        .build();
  }
}
