package dev.mfa4j.examples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Developer outbox: the text messages and voice calls the demo "sent", and the security notices
 * it "e-mailed". In the {@code dev} profile only: a real deployment hands messages to an SMS
 * provider and has no such page.
 */
@Controller
@Profile("dev")
final class OutboxController {
  private final DemoOutbox outbox;

  OutboxController(DemoOutbox outbox) {
    this.outbox = outbox;
  }

  @GetMapping("/dev/outbox")
  String page(Model model) {
    List<SentMessage> messages = new ArrayList<>(outbox.messages());
    Collections.reverse(messages);
    model.addAttribute("messages", messages);
    return "outbox";
  }
}
