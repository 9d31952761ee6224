// The README's SurveyJS recipe: register the question type, use it in the survey JSON.
import * as SurveyCore from 'survey-core';
import { renderSurvey } from 'survey-js-ui';
import { registerOccupationQuestion } from 'occupation-coder/surveyjs';

registerOccupationQuestion(SurveyCore);

const survey = new SurveyCore.Model({
  elements: [
    { type: 'occupation', name: 'job', title: 'What was your main job last week?', isRequired: true, classification: 'osca2024' },
    { type: 'text', name: 'hours', title: 'Hours worked', inputType: 'number' },
  ],
});
survey.onComplete.add((sender) => { document.getElementById('result').textContent = JSON.stringify(sender.data); });
renderSurvey(survey, document.getElementById('survey'));
window.survey = survey;
