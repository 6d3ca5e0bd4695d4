//! The words of the islands (the parts of a page that run in the browser), in both languages.
//! A Rust table rather than Fluent: it compiles into the browser bundle at a few hundred
//! bytes, where a Fluent runtime would not, and an island's props carry only the language.
//! A `{n}`-style placeholder is filled in by `fill`.

use super::Lang;

/// The answer form of a question page.
pub struct AnswerWords {
    pub saved_on_confirm: &'static str,
    pub saved_on_move: &'static str,
    pub saving: &'static str,
    /// `{chosen}`, `{select}`.
    pub saved_partial: &'static str,
    pub saved: &'static str,
    pub no_answer: &'static str,
    /// `{problem}` in each of the three below.
    pub retrying: &'static str,
    pub failed_adaptive: &'static str,
    pub failed: &'static str,
    pub connection_lost: &'static str,
    /// `{select}`.
    pub too_many: &'static str,
    pub next_break_adaptive: &'static str,
    pub next_break: &'static str,
    pub confirm: &'static str,
    pub review_answers: &'static str,
    pub next: &'static str,
    pub previous: &'static str,
    pub review_screen: &'static str,
    pub break_now: &'static str,
    pub struck_out: &'static str,
    /// `{letter}`.
    pub strike_label: &'static str,
    pub strike: &'static str,
    pub flag: &'static str,
    pub final_hint: &'static str,
}

/// The countdown.
pub struct TimerWords {
    pub time_left: &'static str,
    pub hidden: &'static str,
    pub hide: &'static str,
    /// `{m}`.
    pub less_than_minutes: &'static str,
    pub last_minute: &'static str,
}

/// The read-aloud and print buttons.
pub struct ButtonWords {
    pub read_aloud: &'static str,
    pub stop_reading: &'static str,
    pub print: &'static str,
}

pub struct IslandWords {
    pub answer: AnswerWords,
    pub timer: TimerWords,
    pub buttons: ButtonWords,
}

const EN: IslandWords = IslandWords {
    answer: AnswerWords {
        saved_on_confirm: "Your choice is saved when you confirm it.",
        saved_on_move: "Your choice is saved when you go to another question.",
        saving: "Saving your answer…",
        saved_partial: "Your answer is saved. You have chosen {chosen} of {select}.",
        saved: "Your answer is saved.",
        no_answer: "No answer chosen yet.",
        retrying: "Not saved: {problem}. Your choice stays selected and is sent again every few seconds; you can also press Next to save it.",
        failed_adaptive: "Not saved: {problem}. Your choice is still selected; press Confirm and continue to save it.",
        failed: "Not saved: {problem}. Your choice is still selected; press Next or Previous to save it.",
        connection_lost: "the connection was lost",
        too_many: "This question asks for {select} answers. Clear one of your choices before choosing another.",
        next_break_adaptive: "Confirm and continue (break)",
        next_break: "Next (break)",
        confirm: "Confirm and continue",
        review_answers: "Review answers",
        next: "Next",
        previous: "Previous",
        review_screen: "Review screen",
        break_now: "Take my break now",
        struck_out: " (struck out)",
        strike_label: "Strike out option {letter}",
        strike: "Strike out",
        flag: "Flag this question for review",
        final_hint: "Your answer is final once you continue: this exam chooses each question from your answers so far, so you cannot go back.",
    },
    timer: TimerWords {
        time_left: "Time left: ",
        hidden: "hidden",
        hide: "Hide time",
        less_than_minutes: "Less than {m} minutes left.",
        last_minute: "Less than 1 minute left. Your saved answers will be submitted when time runs out.",
    },
    buttons: ButtonWords {
        read_aloud: "Read the question aloud",
        stop_reading: "Stop reading",
        print: "Print or save as PDF",
    },
};

const ES: IslandWords = IslandWords {
    answer: AnswerWords {
        saved_on_confirm: "Su respuesta se guarda cuando la confirma.",
        saved_on_move: "Su respuesta se guarda cuando pasa a otra pregunta.",
        saving: "Guardando su respuesta…",
        saved_partial: "Su respuesta está guardada. Ha elegido {chosen} de {select}.",
        saved: "Su respuesta está guardada.",
        no_answer: "Todavía no ha elegido ninguna respuesta.",
        retrying: "No guardada: {problem}. Su respuesta sigue marcada y se envía de nuevo cada pocos segundos; también puede pulsar Siguiente para guardarla.",
        failed_adaptive: "No guardada: {problem}. Su respuesta sigue marcada; pulse Confirmar y continuar para guardarla.",
        failed: "No guardada: {problem}. Su respuesta sigue marcada; pulse Siguiente o Anterior para guardarla.",
        connection_lost: "se perdió la conexión",
        too_many: "Esta pregunta pide {select} respuestas. Quite una de sus respuestas antes de elegir otra.",
        next_break_adaptive: "Confirmar y continuar (descanso)",
        next_break: "Siguiente (descanso)",
        confirm: "Confirmar y continuar",
        review_answers: "Revisar respuestas",
        next: "Siguiente",
        previous: "Anterior",
        review_screen: "Pantalla de revisión",
        break_now: "Tomar mi descanso ahora",
        struck_out: " (tachada)",
        strike_label: "Tachar la opción {letter}",
        strike: "Tachar",
        flag: "Marcar esta pregunta para revisarla",
        final_hint: "Su respuesta es definitiva cuando continúa: este examen elige cada pregunta según sus respuestas anteriores, así que no puede volver atrás.",
    },
    timer: TimerWords {
        time_left: "Tiempo restante: ",
        hidden: "oculto",
        hide: "Ocultar el tiempo",
        less_than_minutes: "Quedan menos de {m} minutos.",
        last_minute: "Queda menos de 1 minuto. Sus respuestas guardadas se enviarán cuando se acabe el tiempo.",
    },
    buttons: ButtonWords {
        read_aloud: "Leer la pregunta en voz alta",
        stop_reading: "Dejar de leer",
        print: "Imprimir o guardar como PDF",
    },
};

pub fn words(lang: Lang) -> &'static IslandWords {
    match lang {
        Lang::En => &EN,
        Lang::Es => &ES,
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in_both_languages() {
        for lang in Lang::ALL {
            let w = &words(lang).answer;
            let text = fill(w.saved_partial, &[("chosen", "1"), ("select", "2")]);
            assert!(
                !text.contains('{') && text.contains('1') && text.contains('2'),
                "{text}"
            );
            let text = fill(w.strike_label, &[("letter", "C")]);
            assert!(text.ends_with('C'), "{text}");
        }
    }
}
