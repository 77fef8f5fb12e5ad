package dev.mailpath.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The training run behind the class-data-sharing archive made at package time ({@code
 * target/mailpath.jsa}): answers MX and A queries on a loopback port and runs {@code mailpath mx}
 * against it in text, JSON and JSON Lines (the picocli-free path of {@link FastMx}) and once
 * through picocli, so that the archive holds the classes a real run loads. Not part of the tool's
 * commands; the build runs it with {@code -XX:ArchiveClassesAtExit}.
 */
final class CdsTraining {
  private CdsTraining() {}

  /**
   * Runs the training.
   *
   * @param args ignored
   * @throws IOException when the loopback socket cannot be opened
   */
  public static void main(String[] args) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> answer(socket), "cds-training-dns");
      server.setDaemon(true);
      server.start();
      String dns = "127.0.0.1:" + socket.getLocalPort();
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
      for (String format : new String[] {"text", "json", "jsonl"}) {
        MailpathCli.run(
            new String[] {"mx", "example.com", "--dns", dns, "--format", format}, out, out);
      }
      // The same through picocli, for the command lines FastMx leaves to it (and the classes
      // every other subcommand shares with mx's).
      MailpathCli.runPicocli(new String[] {"mx", "example.com", "--dns", dns}, out, out);
      MailpathCli.run(new String[] {"mx", "--help"}, out, out);
    }
  }

  private static void answer(DatagramSocket socket) {
    byte[] buf = new byte[1232];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        Message q = new Message(Arrays.copyOf(p.getData(), p.getLength()));
        Record question = q.getQuestion();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        if (question.getType() == Type.MX) {
          r.addRecord(
              new MXRecord(name, DClass.IN, 3600, 10, Name.fromString("mail.example.com.")),
              Section.ANSWER);
        } else if (question.getType() == Type.A) {
          r.addRecord(
              new ARecord(name, DClass.IN, 3600, InetAddress.getLoopbackAddress()), Section.ANSWER);
        }
        byte[] wire = r.toWire();
        socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
      } catch (IOException e) {
        return; // closed at the end of the training
      }
    }
  }
}
