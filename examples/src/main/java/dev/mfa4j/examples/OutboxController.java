package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Developer outbox: the text messages and voice calls the demo "sent". A development aid only: a
 * real deployment hands messages to an SMS provider and has no such page.
 */
final class OutboxController {
  private final Demo app;

  OutboxController(Demo app) {
    this.app = app;
  }

  void routes(DemoServer s) {
    s.get("/dev/outbox", this::page);
  }

  Response page(Request r) {
    List<SentMessage> messages = new ArrayList<>(app.outbox.get());
    Collections.reverse(messages);
    StringBuilder sb = new StringBuilder("<p class=\"warning\">Development only: these text"
        + " messages and calls would have gone to phones, and the security notices (EMAIL) to"
        + " the users' mailboxes. Newest first.</p><table id=\"outbox\"><thead><tr>"
        + "<th>Sent</th><th>Channel</th><th>To</th><th>Message</th></tr></thead><tbody>");
    for (SentMessage m : messages) {
      sb.append("<tr class=\"message\"><td>").append(h(Views.time(m.at()))).append("</td><td class=\"channel\">")
          .append(h(m.channel())).append("</td><td class=\"to\">").append(h(m.destination()))
          .append("</td><td class=\"text\">").append(h(m.text())).append("</td></tr>");
    }
    if (messages.isEmpty()) {
      sb.append("<tr><td colspan=\"4\">Nothing sent yet.</td></tr>");
    }
    return Response.ok(app.layout.page(r, "Developer outbox", sb.append("</tbody></table>").toString()));
  }
}
