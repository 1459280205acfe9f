// 导出本次问答: the conversation's questions are sent to the server, which answers them again (as one
// conversation) and sends back a Word file of the questions, answers and their clauses, for the minutes.
// Only the questions go: the file holds the server's own answers and clause texts, never the page's.

const LABEL = "导出本次问答";

// The file name the server gave (Content-Disposition: filename*=UTF-8''…), or a plain one.
function fileName(response) {
  const header = response.headers.get("Content-Disposition") || "";
  const match = header.match(/filename\*=UTF-8''([^;]+)/i);
  try {
    return match ? decodeURIComponent(match[1]) : "问答记录.docx";
  } catch (error) {
    return "问答记录.docx";
  }
}

function save(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export function exportButton({ button, url, questions, plan = () => "" }) {
  let busy = false;

  function refresh() {
    button.disabled = busy || !questions().length;
  }

  function say(text) {
    button.textContent = text;
    setTimeout(() => {
      button.textContent = LABEL;
    }, 3000);
  }

  button.addEventListener("click", async () => {
    const asked = questions();
    if (!asked.length || busy) return;
    busy = true;
    refresh();
    button.textContent = "正在生成…";
    try {
      let response;
      // the server makes one costly file at a time: a 503 with Retry-After is tried again, three times at most
      for (let attempt = 0; ; attempt += 1) {
        response = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ questions: asked, plan: plan() || undefined }),
        });
        const wait = Number(response.headers.get("Retry-After"));
        if (response.status !== 503 || !wait || attempt >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      }
      if (response.ok) {
        save(await response.blob(), fileName(response));
        say("已导出");
      } else {
        const body = await response.json().catch(() => ({}));
        say(body.error ? `未能导出：${body.error}` : `未能导出（${response.status}）`);
      }
    } catch (error) {
      say("无法连接到服务器，未能导出");
    }
    busy = false;
    refresh();
  });
  refresh();
  return { refresh };
}
