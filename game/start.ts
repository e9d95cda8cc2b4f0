// The start screen: a name and a Play button. Enter plays (it is a form); a name that is empty or
// too long once cleaned up says so instead.
import { isValidName, NAME_MAX, sanitizeName } from './names';

/** Shows the start screen in `root` and resolves with the chosen (sanitized) name when Play is pressed. */
export function showStartScreen(root: HTMLElement, initial = ''): Promise<string> {
  const form = document.createElement('form');
  form.id = 'start';
  form.className = 'start';
  form.noValidate = true;
  form.innerHTML = `
    <h1>Skirmish</h1>
    <label for="start-name">Your name</label>
    <input id="start-name" name="name" type="text" autocomplete="nickname" spellcheck="false" maxlength="64" enterkeyhint="go">
    <p class="start-error" role="alert" aria-live="polite"></p>
    <button type="submit">Play</button>
    <p class="start-help">Move: arrows / WASD · Attack: Space</p>`;
  const input = form.querySelector('input')!;
  const error = form.querySelector('.start-error') as HTMLElement;
  input.value = initial;
  root.append(form);
  input.focus();
  input.select();
  return new Promise((resolve) => {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!isValidName(input.value)) {
        error.textContent = `A name has 1 to ${NAME_MAX} characters.`;
        input.focus();
        return;
      }
      form.remove();
      resolve(sanitizeName(input.value));
    });
    input.addEventListener('input', () => {
      error.textContent = '';
    });
  });
}
